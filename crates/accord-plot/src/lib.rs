//! The pictures negotiation researchers and mediators read, as SVG (plotters' SVG backend), and
//! PNG rendered from that SVG (resvg):
//!
//! - the **utility space** of two parties: every outcome (or a sample), the Pareto frontier, the
//!   Nash and Kalai-Smorodinsky points, each party's offers as a path, the agreement, and the
//!   reservation values as lines;
//! - **standings** of a tournament: a bar per competitor with its confidence interval;
//! - **utility over time**: for each party, the utility of its own offers and of the offers it
//!   received, against normalised time.
//!
//! The crate draws what it is given (for the utility space of an analysis, [`analysis_picture`]
//! reads the engine's report); it decides nothing and reads no files.

#![warn(missing_docs)]

mod bars;
mod space;

pub use bars::{bars_svg, Bar, Bars};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
pub use space::{analysis_picture, sample_outcomes};

/// A point in utility space, one coordinate per party shown.
pub type Point = (f64, f64);

/// What the picture shows. Utilities are of the two parties on the axes.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// Title above the picture.
    pub title: String,
    /// Names of the parties on the x and y axes.
    pub axes: (String, String),
    /// Outcomes (all of them, or a sample).
    pub outcomes: Vec<Point>,
    /// Outcomes (of the same sample) that cross some party's red line, drawn apart.
    pub crossing: Vec<Point>,
    /// The Pareto frontier, in any order.
    pub frontier: Vec<Point>,
    /// Whether the frontier is a curve (two parties) or the projection of a higher-dimensional
    /// frontier onto two parties (drawn as points).
    pub frontier_is_curve: bool,
    /// The Nash solution.
    pub nash: Option<Point>,
    /// The Kalai-Smorodinsky solution.
    pub kalai_smorodinsky: Option<Point>,
    /// Reservation values of the two parties.
    pub reservations: (Option<f64>, Option<f64>),
    /// Paths of offers (or drafts), each with its legend label: ("offers of X", points).
    pub offers: Vec<(String, Vec<Point>)>,
    /// The agreement.
    pub agreement: Option<Point>,
    /// Utility over time per party: (name, [(t, utility)] drawn as a line, [(t, utility)] drawn
    /// as dots).
    pub over_time: Vec<(String, Vec<Point>, Vec<Point>)>,
    /// What the line and the dots of `over_time` are ("own offers", "offers received").
    pub time_labels: (String, String),
}

/// A picture that could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlotError {
    /// The drawing library failed.
    #[error("drawing failed: {0}")]
    Draw(String),
    /// The SVG could not be rendered to PNG.
    #[error("rendering PNG failed: {0}")]
    Render(String),
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

fn err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Draw(e.to_string())
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(0.02);
    (lo.min(0.0) - pad * 0.2, hi + pad)
}

/// Both panels side by side (utility space left, utility over time right), as SVG text; only
/// the utility space when there is nothing over time (an analysis without a run).
pub fn svg(p: &Picture) -> Result<String, PlotError> {
    let mut out = String::new();
    {
        let width = if p.over_time.is_empty() { 640 } else { 1200 };
        let root = SVGBackend::with_string(&mut out, (width, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&p.title, ("sans-serif", 22)).map_err(err)?;
        if p.over_time.is_empty() {
            utility_space(&root, p)?;
        } else {
            let (left, right) = root.split_horizontally(620);
            utility_space(&left, p)?;
            over_time(&right, p)?;
        }
        root.present().map_err(err)?;
    }
    Ok(out)
}

fn utility_space<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    p: &Picture,
) -> Result<(), PlotError> {
    let xs = p.outcomes.iter().chain(&p.frontier).map(|q| q.0);
    let ys = p.outcomes.iter().chain(&p.frontier).map(|q| q.1);
    let (x0, x1) = range(xs);
    let (y0, y1) = range(ys);
    let mut chart = ChartBuilder::on(area)
        .caption("Utility space", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!("utility of {}", p.axes.0))
        .y_desc(format!("utility of {}", p.axes.1))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(
            p.outcomes
                .iter()
                .map(|&q| Circle::new(q, 2, RGBColor(190, 190, 190).filled())),
        )
        .map_err(err)?
        .label("outcomes")
        .legend(|(x, y)| Circle::new((x + 8, y), 3, RGBColor(190, 190, 190).filled()));
    if !p.crossing.is_empty() {
        let c = RGBColor(240, 160, 160);
        chart
            .draw_series(
                p.crossing
                    .iter()
                    .map(move |&q| Cross::new(q, 3, c.stroke_width(1))),
            )
            .map_err(err)?
            .label("outcomes crossing a red line")
            .legend(move |(x, y)| Cross::new((x + 8, y), 3, c.stroke_width(1)));
    }
    let mut frontier = p.frontier.clone();
    frontier.sort_by(|a, b| a.0.total_cmp(&b.0));
    if p.frontier_is_curve {
        chart
            .draw_series(LineSeries::new(
                frontier.iter().copied(),
                BLACK.stroke_width(2),
            ))
            .map_err(err)?
            .label("Pareto frontier")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.stroke_width(2)));
    } else {
        chart
            .draw_series(frontier.iter().map(|&q| Circle::new(q, 3, BLACK.filled())))
            .map_err(err)?
            .label("Pareto frontier (projected)")
            .legend(|(x, y)| Circle::new((x + 8, y), 3, BLACK.filled()));
    }
    if let Some(r) = p.reservations.0 {
        chart
            .draw_series(LineSeries::new(
                [(r, y0), (r, y1)],
                RGBColor(120, 120, 120).stroke_width(1),
            ))
            .map_err(err)?;
    }
    if let Some(r) = p.reservations.1 {
        chart
            .draw_series(LineSeries::new(
                [(x0, r), (x1, r)],
                RGBColor(120, 120, 120).stroke_width(1),
            ))
            .map_err(err)?
            .label("reservation values")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RGBColor(120, 120, 120)));
    }
    for (i, (name, path)) in p.offers.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(
                path.iter().copied(),
                c.mix(0.6).stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_series(path.iter().map(move |&q| Circle::new(q, 3, c.filled())))
            .map_err(err)?
            .label(name.clone())
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, c.filled()));
    }
    if let Some(k) = p.kalai_smorodinsky {
        chart
            .draw_series(std::iter::once(Cross::new(
                k,
                7,
                RGBColor(148, 103, 189).stroke_width(3),
            )))
            .map_err(err)?
            .label("Kalai-Smorodinsky")
            .legend(|(x, y)| Cross::new((x + 8, y), 5, RGBColor(148, 103, 189).stroke_width(2)));
    }
    if let Some(n) = p.nash {
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                n,
                9,
                RGBColor(255, 127, 14).filled(),
            )))
            .map_err(err)?
            .label("Nash")
            .legend(|(x, y)| TriangleMarker::new((x + 8, y), 6, RGBColor(255, 127, 14).filled()));
    }
    if let Some(a) = p.agreement {
        chart
            .draw_series(std::iter::once(Circle::new(a, 9, GREEN.stroke_width(3))))
            .map_err(err)?
            .label("agreement")
            .legend(|(x, y)| Circle::new((x + 8, y), 6, GREEN.stroke_width(2)));
    }
    legend(&mut chart)
}

/// The legend box, the same in both panels.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
) -> Result<(), PlotError> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(err)
}

fn over_time<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    p: &Picture,
) -> Result<(), PlotError> {
    let ys = p
        .over_time
        .iter()
        .flat_map(|(_, a, b)| a.iter().chain(b).map(|q| q.1));
    let (y0, y1) = range(ys);
    let mut chart = ChartBuilder::on(area)
        .caption("Utility over time", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..1.0f64, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("normalised time")
        .y_desc("utility to the party")
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    let (line_label, dot_label) = &p.time_labels;
    for (i, (name, own, received)) in p.over_time.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        if !own.is_empty() {
            chart
                .draw_series(LineSeries::new(own.iter().copied(), c.stroke_width(2)))
                .map_err(err)?
                .label(format!("{name}: {line_label}"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
        }
        if !received.is_empty() {
            chart
                .draw_series(
                    received
                        .iter()
                        .map(move |&q| Circle::new(q, 2, c.mix(0.5).filled())),
                )
                .map_err(err)?
                .label(format!("{name}: {dot_label}"))
                .legend(move |(x, y)| Circle::new((x + 8, y), 3, c.mix(0.5).filled()));
        }
    }
    legend(&mut chart)
}

/// Renders SVG text to PNG bytes, with the system's fonts for text.
pub fn png(svg: &str) -> Result<Vec<u8>, PlotError> {
    use resvg::{tiny_skia, usvg};
    let mut opt = usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_system_fonts();
    // The SVG asks for the generic "sans-serif", which fontdb maps to Arial by default: map it
    // to a sans face this machine has (DejaVu Sans on Debian), or any face at all.
    let families: Vec<String> = db
        .faces()
        .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
        .collect();
    let preferred = [
        "DejaVu Sans",
        "Liberation Sans",
        "Noto Sans",
        "Arial",
        "Helvetica",
    ];
    if let Some(name) = preferred
        .iter()
        .find(|p| families.iter().any(|f| f == *p))
        .map(|s| s.to_string())
        .or_else(|| families.first().cloned())
    {
        db.set_sans_serif_family(name);
    }
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PlotError::Render(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| PlotError::Render("empty picture".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| PlotError::Render(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_svg_and_png() {
        let p = Picture {
            title: "test".into(),
            axes: ("a".into(), "b".into()),
            outcomes: vec![(0.1, 0.9), (0.5, 0.5), (0.3, 0.3)],
            crossing: vec![(0.2, 0.2)],
            frontier: vec![(0.1, 0.9), (0.5, 0.5), (0.9, 0.1)],
            frontier_is_curve: true,
            time_labels: ("own offers".into(), "offers received".into()),
            nash: Some((0.5, 0.5)),
            kalai_smorodinsky: Some((0.5, 0.5)),
            reservations: (Some(0.2), Some(0.2)),
            offers: vec![
                ("offers of a".into(), vec![(0.9, 0.1), (0.7, 0.3)]),
                ("offers of b".into(), vec![(0.1, 0.9)]),
            ],
            agreement: Some((0.5, 0.5)),
            over_time: vec![("a".into(), vec![(0.0, 0.9), (0.5, 0.7)], vec![(0.1, 0.1)])],
        };
        let s = svg(&p).unwrap();
        assert!(
            s.starts_with("<svg") && s.contains("Utility space") && s.contains("Pareto frontier")
        );
        let bytes = png(&s).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }
}
