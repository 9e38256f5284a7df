//! A horizontal bar chart with error bars: tournament standings, one bar per competitor.

use crate::{err, PlotError, PALETTE};
use plotters::prelude::*;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Its label (on the left).
    pub label: String,
    /// Its length.
    pub value: f64,
    /// Half-width of the error bar, if any.
    pub error: Option<f64>,
    /// A short note printed after the bar.
    pub note: Option<String>,
    /// Bars of one group share a colour.
    pub group: usize,
}

/// A bar chart, bars drawn top to bottom in the given order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bars {
    /// Title above the chart.
    pub title: String,
    /// What the values measure.
    pub y_label: String,
    /// The bars.
    pub bars: Vec<Bar>,
}

/// The chart as SVG text.
pub fn bars_svg(b: &Bars) -> Result<String, PlotError> {
    let n = b.bars.len().max(1);
    let longest = b
        .bars
        .iter()
        .map(|x| x.label.chars().count())
        .max()
        .unwrap_or(4);
    let label_area = (longest as u32 * 8 + 16).clamp(60, 360);
    let height = (110 + 34 * n as u32).min(4000);
    let top = b
        .bars
        .iter()
        .map(|x| x.value + x.error.unwrap_or(0.0))
        .fold(0.0f64, f64::max);
    let x1 = if top > 0.0 { top * 1.25 } else { 1.0 };
    let x0 = b.bars.iter().map(|x| x.value).fold(0.0f64, f64::min) * 1.1;
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (760 + label_area, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&b.title, ("sans-serif", 20)).map_err(err)?;
        let labels: Vec<String> = b.bars.iter().map(|x| x.label.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(label_area)
            .build_cartesian_2d(x0..x1, (0..n as i32 - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_desc(b.y_label.as_str())
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => {
                    labels.get(n - 1 - *i as usize).cloned().unwrap_or_default()
                }
                _ => String::new(),
            })
            .draw()
            .map_err(err)?;
        for (k, bar) in b.bars.iter().enumerate() {
            // Top to bottom: the first bar sits in the highest segment.
            let i = (n - 1 - k) as i32;
            let c = PALETTE[bar.group % PALETTE.len()];
            let mut rect = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (bar.value, SegmentValue::Exact(i + 1)),
                ],
                c.mix(0.75).filled(),
            );
            rect.set_margin(5, 5, 0, 0);
            chart.draw_series([rect]).map_err(err)?;
            if let Some(e) = bar.error {
                let mid = SegmentValue::CenterOf(i);
                chart
                    .draw_series([PathElement::new(
                        vec![(bar.value - e, mid.clone()), (bar.value + e, mid)],
                        BLACK.stroke_width(2),
                    )])
                    .map_err(err)?;
            }
            let text = match &bar.note {
                Some(note) => format!("{:.3}  ({note})", bar.value),
                None => format!("{:.3}", bar.value),
            };
            chart
                .draw_series([Text::new(
                    text,
                    (
                        bar.value + bar.error.unwrap_or(0.0) + (x1 - x0) * 0.01,
                        SegmentValue::CenterOf(i),
                    ),
                    ("sans-serif", 13).into_font().color(&BLACK),
                )])
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_bars_with_labels() {
        let b = Bars {
            title: "standings".into(),
            y_label: "mean utility".into(),
            bars: vec![
                Bar {
                    label: "boulware".into(),
                    value: 0.7,
                    error: Some(0.05),
                    note: Some("90% agree".into()),
                    group: 0,
                },
                Bar {
                    label: "conceder".into(),
                    value: 0.5,
                    error: None,
                    note: None,
                    group: 1,
                },
            ],
        };
        let s = bars_svg(&b).unwrap();
        assert!(s.contains("boulware") && s.contains("conceder") && s.contains("90% agree"));
        assert_eq!(&crate::png(&s).unwrap()[1..4], b"PNG");
    }
}
