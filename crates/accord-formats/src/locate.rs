//! Turning a path into a document (`parties[1].weights.price`) into a byte offset in its text, so
//! that validation errors found after parsing still name a line and column.

use accord_model::PathSegment;

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Line starts of a text, for many [`line_column`] look-ups at a binary search each (a scan per
/// look-up made many warnings quadratic in the file's size).
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The same as [`line_column`]`(text, offset)`.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of the deepest node of `path` that exists in a TOML document.
pub fn locate_toml(text: &str, path: &[PathSegment]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut best = doc.span().start;
    let mut table = doc.get_ref();
    let mut value: Option<&DeValue> = None;
    for seg in path {
        let next = match (seg, value) {
            (PathSegment::Key(k), None) => table.iter().find(|(key, _)| key.get_ref() == k),
            (PathSegment::Key(k), Some(DeValue::Table(t))) => {
                t.iter().find(|(key, _)| key.get_ref() == k)
            }
            (PathSegment::Index(i), Some(DeValue::Array(a))) => {
                let Some(item) = a.get(*i) else { break };
                best = item.span().start;
                value = Some(item.get_ref());
                continue;
            }
            _ => None,
        };
        let Some((key, v)) = next else { break };
        // A value's span is empty for implicit tables (`[[parties]]` headers): fall back to the key.
        best = if v.span().is_empty() {
            key.span().start
        } else {
            v.span().start
        };
        if let DeValue::Table(t) = v.get_ref() {
            table = t;
        }
        value = Some(v.get_ref());
    }
    Some(best)
}

/// Byte offset of the deepest node of `path` that exists in a JSON document.
pub fn locate_json(text: &str, path: &[PathSegment]) -> Option<usize> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    s.ws();
    let mut best = s.i;
    let mut rest = path;
    loop {
        let Some(seg) = rest.first() else {
            return Some(best);
        };
        let found = match (seg, s.b.get(s.i)) {
            (PathSegment::Key(k), Some(b'{')) => s.find_member(k),
            (PathSegment::Index(n), Some(b'[')) => s.find_element(*n),
            _ => None,
        };
        match found {
            Some(()) => {
                best = s.i;
                rest = &rest[1..];
            }
            None => return Some(best),
        }
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn string(&mut self) -> Option<String> {
        self.ws();
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    let raw = std::str::from_utf8(&self.b[start..self.i]).ok()?;
                    self.i += 1;
                    return serde_json::from_str::<String>(&format!("\"{raw}\"")).ok();
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        match *self.b.get(self.i)? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                self.i += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.string()?;
                    self.eat(b':')?;
                    self.skip_value()?;
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
            b'[' => {
                self.i += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.skip_value()?;
                    if self.eat(b',').is_none() {
                        return self.eat(b']');
                    }
                }
            }
            _ => {
                while self.i < self.b.len() && !b",]} \t\r\n".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                Some(())
            }
        }
    }

    /// At `{`: moves to the start of the value of member `key`.
    fn find_member(&mut self, key: &str) -> Option<()> {
        self.i += 1;
        if self.eat(b'}').is_some() {
            return None;
        }
        loop {
            let k = self.string()?;
            self.eat(b':')?;
            self.ws();
            if k == key {
                return Some(());
            }
            self.skip_value()?;
            self.eat(b',')?;
        }
    }

    /// At `[`: moves to the start of element `n`.
    fn find_element(&mut self, n: usize) -> Option<()> {
        self.i += 1;
        self.ws();
        for _ in 0..n {
            self.skip_value()?;
            self.eat(b',')?;
        }
        self.ws();
        (self.b.get(self.i) != Some(&b']')).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(parts: &[&str]) -> Vec<PathSegment> {
        parts
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSegment::Index(i),
                Err(_) => PathSegment::Key(s.to_string()),
            })
            .collect()
    }

    #[test]
    fn line_index_agrees_with_line_column() {
        let text = "ab\nçé\n\nx\u{1F600}y\nlast";
        let lines = Lines::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                lines.position(offset),
                line_column(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn toml_paths_find_lines() {
        let text = "name = \"x\"\n\n[[parties]]\nname = \"a\"\n\n[[parties]]\nname = \"b\"\n[parties.weights]\nprice = -1\n";
        let at = locate_toml(text, &p(&["parties", "1", "weights", "price"])).unwrap();
        assert_eq!(line_column(text, at), (9, 9));
        let at = locate_toml(text, &p(&["parties", "1", "name"])).unwrap();
        assert_eq!(line_column(text, at), (7, 8));
        // A missing key stops at the deepest node found.
        let at = locate_toml(text, &p(&["parties", "0", "scores"])).unwrap();
        assert_eq!(line_column(text, at).0, 3);
    }

    #[test]
    fn json_paths_find_lines() {
        let text = "{\n  \"name\": \"x\",\n  \"parties\": [\n    {\"name\": \"a\"},\n    {\"name\": \"b\", \"weights\": {\"price\": -1}}\n  ]\n}";
        let at = locate_json(text, &p(&["parties", "1", "weights", "price"])).unwrap();
        assert_eq!(line_column(text, at), (5, 40));
        let at = locate_json(text, &p(&["parties", "0", "missing"])).unwrap();
        assert_eq!(line_column(text, at), (4, 5));
    }
}
