//! The document as a PDF: A4 pages, DejaVu Serif embedded (subsetted by krilla), lines wrapped
//! by measured width, page breaks that keep a heading with what follows and each signature
//! line whole, "page i of n" in the footer.

use crate::markdown::signatories;
use crate::{Document, DocumentError, FOOTNOTE};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, GlyphId, KrillaGlyph};

/// DejaVu Serif (Bitstream Vera licence, see `fonts/LICENSE-DejaVu.txt`): Latin, Greek and
/// Cyrillic with accents, typographic quotes and dashes.
static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 64.0;
const TOP: f32 = 64.0;
const BOTTOM: f32 = PAGE_H - 72.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
const BODY: f32 = 10.5;

/// One face: krilla's font (for the PDF) and rustybuzz's (for shaping and measuring).
struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn new(data: &'static [u8]) -> Result<Face, DocumentError> {
        let bad = || DocumentError::Pdf("the embedded font cannot be read".into());
        Ok(Face {
            font: Font::new(data.into(), 0).ok_or_else(bad)?,
            shaper: rustybuzz::Face::from_slice(data, 0).ok_or_else(bad)?,
        })
    }

    /// Glyphs of one line, advances in em.
    fn shape(&self, text: &str) -> Vec<KrillaGlyph> {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(&self.shaper, &[], buffer);
        let upem = self.shaper.units_per_em() as f32;
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        (0..infos.len())
            .map(|i| {
                let start = infos[i].cluster as usize;
                let end = infos[i + 1..]
                    .iter()
                    .find(|next| next.cluster != infos[i].cluster)
                    .map_or(text.len(), |next| next.cluster as usize);
                let p = positions[i];
                KrillaGlyph::new(
                    GlyphId::new(infos[i].glyph_id),
                    p.x_advance as f32 / upem,
                    p.x_offset as f32 / upem,
                    p.y_offset as f32 / upem,
                    p.y_advance as f32 / upem,
                    start..end.max(start),
                    None,
                )
            })
            .collect()
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.shape(text).iter().map(|g| g.x_advance).sum::<f32>() * size
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

/// What is drawn on a page.
enum Op {
    Text {
        x: f32,
        /// Baseline.
        y: f32,
        bold: bool,
        size: f32,
        text: String,
    },
    /// A horizontal line.
    Rule { x1: f32, x2: f32, y: f32 },
}

/// Pages being filled from the top; `y` is where the next line starts.
struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'f> Layout<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn face(&self, bold: bool) -> &'f Face {
        if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        }
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    fn space(&mut self, h: f32) {
        self.y += h;
    }

    /// Text wrapped to `width` from `x`; `keep` more points must fit after the first line (to
    /// keep a heading with what follows).
    fn text(&mut self, x: f32, width: f32, text: &str, bold: bool, size: f32, keep: f32) {
        let leading = size * 1.4;
        let lines = wrap(self.face(bold), text, size, width);
        for (i, line) in lines.into_iter().enumerate() {
            self.ensure(leading + if i == 0 { keep } else { 0.0 });
            let y = self.y + size;
            self.push(Op::Text {
                x,
                y,
                bold,
                size,
                text: line,
            });
            self.y += leading;
        }
    }

    /// `label` in bold, `value` beside it, wrapped in the rest of the line.
    fn labeled(&mut self, label: &str, value: &str) {
        let leading = BODY * 1.4;
        self.ensure(leading);
        let y = self.y + BODY;
        self.push(Op::Text {
            x: MARGIN,
            y,
            bold: true,
            size: BODY,
            text: label.to_string(),
        });
        self.text(MARGIN + 80.0, TEXT_W - 80.0, value, false, BODY, 0.0);
    }
}

/// Greedy line breaking on spaces, words measured once; a word wider than the line is cut
/// between characters. Hard line breaks are kept; an empty text gives no line.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let space = face.width(" ", size);
    let mut lines = Vec::new();
    for hard in text.lines() {
        let mut line = String::new();
        let mut used = 0.0;
        for word in hard.split_whitespace() {
            let w = face.width(word, size);
            if !line.is_empty() && used + space + w <= width {
                line.push(' ');
                line.push_str(word);
                used += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if w <= width {
                line.push_str(word);
                used = w;
            } else {
                // Cut a very long word between characters.
                used = 0.0;
                for c in word.chars() {
                    let cw = face.width(c.encode_utf8(&mut [0; 4]), size);
                    if used + cw > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    line.push(c);
                    used += cw;
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// Lays the document out into pages.
fn layout(doc: &Document, fonts: &Fonts) -> Vec<Vec<Op>> {
    let mut l = Layout::new(fonts);
    l.text(MARGIN, TEXT_W, &doc.title, true, 18.0, 0.0);
    l.space(4.0);
    l.text(MARGIN, TEXT_W, &doc.standing(), false, 11.0, 0.0);
    l.space(10.0);
    let list = |names: &[String]| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join("; ")
        }
    };
    l.labeled("Date", &doc.date);
    l.labeled("Version", &doc.version_text());
    l.labeled("Parties", &list(&doc.parties));
    l.labeled("Mediators", &list(&doc.mediators));

    let heading = |l: &mut Layout, title: &str, keep: f32| {
        l.space(14.0);
        l.text(MARGIN, TEXT_W, title, true, 13.5, keep);
        let y = l.y - 2.0;
        l.push(Op::Rule {
            x1: MARGIN,
            x2: MARGIN + TEXT_W,
            y,
        });
        l.space(6.0);
    };

    heading(&mut l, "Clauses", 3.0 * BODY * 1.4);
    if !doc.phases.is_empty() {
        l.text(MARGIN, TEXT_W, Document::PHASED_CLAUSES, false, BODY, 0.0);
    }
    for (i, c) in doc.clauses.iter().enumerate() {
        l.space(6.0);
        let title = format!("{}. {}: {}", i + 1, c.issue, c.value);
        l.text(MARGIN, TEXT_W, &title, true, 11.0, BODY * 1.4);
        if let Some(w) = c.wording.as_deref().filter(|w| !w.trim().is_empty()) {
            l.space(2.0);
            l.text(MARGIN + 14.0, TEXT_W - 14.0, w, false, BODY, 0.0);
        }
    }

    if !doc.phases.is_empty() {
        heading(&mut l, "Phases", 3.0 * BODY * 1.4);
        for (k, p) in doc.phases.iter().enumerate() {
            l.space(6.0);
            let title = Document::phase_heading(k, p);
            l.text(MARGIN, TEXT_W, &title, true, 11.0, 2.0 * BODY * 1.4);
            if let Some(cs) = &p.clauses {
                for c in cs {
                    l.space(1.0);
                    let line = format!("{}: {}", c.issue, c.value);
                    l.text(MARGIN + 14.0, TEXT_W - 14.0, &line, false, BODY, 0.0);
                }
            } else if let Some(words) = &p.open {
                l.space(2.0);
                l.text(MARGIN + 14.0, TEXT_W - 14.0, words, false, BODY, 0.0);
            }
        }
    }

    heading(&mut l, "History", 2.0 * BODY * 1.4);
    if doc.history.is_empty() {
        l.text(
            MARGIN,
            TEXT_W,
            "No draft has been circulated yet.",
            false,
            BODY,
            0.0,
        );
    } else {
        // The mediator's name last, where the line has the most room.
        let columns = [MARGIN, MARGIN + 60.0, MARGIN + 160.0, MARGIN + 260.0];
        let row = |l: &mut Layout, cells: [&str; 4], bold: bool| {
            l.ensure(BODY * 1.5);
            let y = l.y + BODY;
            for (x, cell) in columns.iter().zip(cells) {
                l.push(Op::Text {
                    x: *x,
                    y,
                    bold,
                    size: BODY,
                    text: cell.to_string(),
                });
            }
            l.y += BODY * 1.5;
        };
        row(
            &mut l,
            ["Draft", "Circulated", "Outcome", "Circulated by"],
            true,
        );
        for h in &doc.history {
            let version = h.version.to_string();
            let by = h.circulated_by.as_deref().unwrap_or("");
            row(&mut l, [&version, &h.circulated, &h.outcome, by], false);
        }
    }

    heading(&mut l, "Signatures", 60.0);
    for (name, role) in signatories(doc) {
        // Name, then room to sign, then the two lines with their labels: kept on one page.
        l.ensure(66.0);
        l.space(8.0);
        l.text(MARGIN, TEXT_W, &format!("{name} ({role})"), true, BODY, 0.0);
        l.space(26.0);
        let y = l.y;
        l.push(Op::Rule {
            x1: MARGIN,
            x2: MARGIN + 250.0,
            y,
        });
        l.push(Op::Rule {
            x1: MARGIN + 290.0,
            x2: MARGIN + 420.0,
            y,
        });
        for (x, label) in [(MARGIN, "Signature"), (MARGIN + 290.0, "Date")] {
            l.push(Op::Text {
                x,
                y: y + 10.0,
                bold: false,
                size: 8.0,
                text: label.into(),
            });
        }
        l.space(14.0);
    }

    l.space(18.0);
    l.text(MARGIN, TEXT_W, FOOTNOTE, false, 8.5, 0.0);
    l.pages
}

/// Pages the PDF of `doc` has (for tests).
#[cfg(test)]
pub(crate) fn page_count(doc: &Document) -> usize {
    let fonts = Fonts {
        regular: Face::new(REGULAR).unwrap(),
        bold: Face::new(BOLD).unwrap(),
    };
    layout(doc, &fonts).len()
}

/// The document as a PDF.
pub fn to_pdf(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts {
        regular: Face::new(REGULAR)?,
        bold: Face::new(BOLD)?,
    };
    let pages = layout(doc, &fonts);
    let total = pages.len();
    let mut pdf = krilla::Document::new();
    let mut title = doc.title.clone();
    if let Some(v) = doc.version {
        title.push_str(&format!(" (draft {v})"));
    }
    pdf.set_metadata(
        Metadata::new()
            .title(title)
            .language("en".into())
            .creator("Accord".into()),
    );
    let settings =
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(DocumentError::Pdf("page size".into()))?;
    for (n, ops) in pages.into_iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        let footer = format!("page {} of {total}", n + 1);
        let footer_x = PAGE_W - MARGIN - fonts.regular.width(&footer, 8.5);
        let mut short_title: String = doc.title.chars().take(70).collect();
        if short_title.len() < doc.title.len() {
            short_title.push('…');
        }
        let footers = [
            Op::Text {
                x: MARGIN,
                y: PAGE_H - 40.0,
                bold: false,
                size: 8.5,
                text: short_title,
            },
            Op::Text {
                x: footer_x,
                y: PAGE_H - 40.0,
                bold: false,
                size: 8.5,
                text: footer,
            },
        ];
        for op in ops.iter().chain(&footers) {
            match op {
                Op::Text {
                    x,
                    y,
                    bold,
                    size,
                    text,
                } => {
                    let face = if *bold { &fonts.bold } else { &fonts.regular };
                    surface.set_stroke(None);
                    let glyphs = face.shape(text);
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &glyphs,
                        face.font.clone(),
                        text,
                        *size,
                        false,
                    );
                }
                Op::Rule { x1, x2, y } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, *y);
                    path.line_to(*x2, *y);
                    if let Some(path) = path.finish() {
                        surface.set_stroke(Some(Stroke {
                            width: 0.6,
                            ..Stroke::default()
                        }));
                        surface.set_fill(None);
                        surface.draw_path(&path);
                        surface.set_fill(Some(Default::default()));
                        surface.set_stroke(None);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}
