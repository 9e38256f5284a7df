//! Rules: logical statements about outcomes, used for red lines and for nonlinear preference terms.
//!
//! Grammar (keywords are case-sensitive, lowest precedence first):
//!
//! ```text
//! rule       := or ( "=>" rule )?                 implication, right-associative
//! or         := and ( "or" and )*
//! and        := unary ( "and" unary )*
//! unary      := "not" unary | "(" rule ")" | "true" | "false" | comparison
//! comparison := ISSUE op value
//!             | ISSUE "in" "{" value ("," value)* "}"
//!             | ISSUE "in" value ".." value       inclusive range
//!             | ISSUE "not" "in" ...
//! op         := "=" | "==" | "!=" | "<" | "<=" | ">" | ">="
//! value      := name | number | "quoted name"
//! ```
//!
//! Order comparisons on a discrete issue use the options' order in the scenario (the first option
//! is the smallest), so `withdrawal >= partial` reads naturally when options go from weakest to
//! strongest. A rule is compiled once against the outcome space: each comparison becomes the set of
//! value indices it allows, so evaluating a rule never touches strings.

use crate::issue::Issue;
use std::fmt;

#[path = "rule_words.rs"]
mod words;
pub use words::label;

/// A rule that cannot be compiled: where in the text (byte offset) and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (at character {})", offset + 1)]
pub struct RuleError {
    /// Byte offset in the rule text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// A compiled rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    text: String,
    expr: Expr,
    atoms: Vec<Atom>,
    last_issue: Option<usize>,
}

/// One comparison: "issue takes one of these values".
#[derive(Debug, Clone, PartialEq)]
struct Atom {
    issue: usize,
    allowed: Vec<u64>,
    /// Written as a negation (`!=`, `not in`): said that way in words when either reads right.
    negated: bool,
}

impl Atom {
    #[inline]
    fn allows(&self, v: u32) -> bool {
        let w = (v >> 6) as usize;
        w < self.allowed.len() && (self.allowed[w] >> (v & 63)) & 1 == 1
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Const(bool),
    Atom(usize),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Implies(Box<Expr>, Box<Expr>),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Rule {
    /// Compiles `text` against the issues of a space.
    pub fn parse(text: &str, issues: &[Issue]) -> Result<Rule, RuleError> {
        let tokens = lex(text)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            issues,
            atoms: Vec::new(),
            end: text.len(),
            depth: 0,
        };
        let expr = p.rule()?;
        if let Some(t) = p.tokens.get(p.pos) {
            return Err(RuleError {
                offset: t.offset,
                message: format!(
                    "expected `and`, `or`, `=>` or the end of the rule, found {}",
                    t.kind
                ),
            });
        }
        let last_issue = p.atoms.iter().map(|a| a.issue).max();
        Ok(Rule {
            text: text.trim().to_string(),
            expr,
            atoms: p.atoms,
            last_issue,
        })
    }

    /// The rule as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The rule applied to copies of its issues in a larger space, where copy `k` of issue `i` is
    /// issue `offsets[k] + i`: it holds when it holds on some copy (`any`) or on every copy.
    /// `text` is what reports show for it (it names the copies, so it is not parsed again). Used
    /// to run a phased agreement as one package, a copy of the issues per phase
    /// (`phase::flatten`).
    pub fn on_copies(&self, offsets: &[usize], any: bool, text: String) -> Rule {
        fn shift(e: &Expr, by: usize) -> Expr {
            match e {
                Expr::Const(b) => Expr::Const(*b),
                Expr::Atom(a) => Expr::Atom(a + by),
                Expr::Not(x) => Expr::Not(Box::new(shift(x, by))),
                Expr::And(xs) => Expr::And(xs.iter().map(|x| shift(x, by)).collect()),
                Expr::Or(xs) => Expr::Or(xs.iter().map(|x| shift(x, by)).collect()),
                Expr::Implies(a, b) => {
                    Expr::Implies(Box::new(shift(a, by)), Box::new(shift(b, by)))
                }
            }
        }
        let mut atoms = Vec::with_capacity(self.atoms.len() * offsets.len());
        let mut copies = Vec::with_capacity(offsets.len());
        for &offset in offsets {
            copies.push(shift(&self.expr, atoms.len()));
            atoms.extend(self.atoms.iter().map(|a| Atom {
                issue: a.issue + offset,
                ..a.clone()
            }));
        }
        let expr = if any {
            Expr::Or(copies)
        } else {
            Expr::And(copies)
        };
        let last_issue = atoms.iter().map(|a| a.issue).max();
        Rule {
            text,
            expr,
            atoms,
            last_issue,
        }
    }

    /// Indices of the issues the rule mentions, ascending, without repeats.
    pub fn issues(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.atoms.iter().map(|a| a.issue).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// When the rule is a conjunction of comparisons (a GENIUS hyper-rectangle, say), the values
    /// of `issue` it allows, as a bitset (bit v of word v / 64); `None` when the rule has another
    /// shape, or does not constrain `issue`.
    pub fn conjunction_allows(&self, issue: usize) -> Option<Vec<u64>> {
        let atoms: Vec<usize> = match &self.expr {
            Expr::Atom(a) => vec![*a],
            Expr::And(xs) => {
                let mut v = Vec::with_capacity(xs.len());
                for x in xs {
                    match x {
                        Expr::Atom(a) => v.push(*a),
                        _ => return None,
                    }
                }
                v
            }
            _ => return None,
        };
        let mut out: Option<Vec<u64>> = None;
        for a in atoms {
            let atom = &self.atoms[a];
            if atom.issue != issue {
                continue;
            }
            out = Some(match out {
                None => atom.allowed.clone(),
                Some(prev) => prev.iter().zip(&atom.allowed).map(|(x, y)| x & y).collect(),
            });
        }
        out
    }

    /// The truth values of the rule's comparisons on issues other than `issue`, as bits: two
    /// outcomes with the same key have the same truth value for every value of `issue`, so the
    /// rule's dependence on `issue` can be tabulated once per key. `None` with more than 64
    /// such comparisons.
    pub fn key_without(&self, values: &[u32], issue: usize) -> Option<u64> {
        let mut key = 0u64;
        let mut bit = 0;
        for a in &self.atoms {
            if a.issue == issue {
                continue;
            }
            if bit == 64 {
                return None;
            }
            if a.allows(values[a.issue]) {
                key |= 1 << bit;
            }
            bit += 1;
        }
        Some(key)
    }

    /// The highest issue index the rule mentions: once issues `0..=last_issue` are known, the
    /// rule is decided.
    pub fn last_issue(&self) -> Option<usize> {
        self.last_issue
    }

    /// Whether an outcome (one value index per issue) satisfies the rule.
    #[inline]
    pub fn holds(&self, values: &[u32]) -> bool {
        self.eval(&self.expr, values)
    }

    fn eval(&self, e: &Expr, values: &[u32]) -> bool {
        match e {
            Expr::Const(b) => *b,
            Expr::Atom(a) => {
                let atom = &self.atoms[*a];
                atom.allows(values[atom.issue])
            }
            Expr::Not(x) => !self.eval(x, values),
            Expr::And(xs) => xs.iter().all(|x| self.eval(x, values)),
            Expr::Or(xs) => xs.iter().any(|x| self.eval(x, values)),
            Expr::Implies(a, b) => !self.eval(a, values) || self.eval(b, values),
        }
    }

    /// Three-valued evaluation when only the first `known` issues have values:
    /// `Some(b)` when every completion gives `b`, `None` when it depends on the rest.
    pub fn holds_partial(&self, values: &[u32], known: usize) -> Option<bool> {
        match self.last_issue {
            None => Some(self.eval(&self.expr, values)),
            Some(l) if l < known => Some(self.eval(&self.expr, values)),
            _ => self.eval3(&self.expr, values, known),
        }
    }

    fn eval3(&self, e: &Expr, values: &[u32], known: usize) -> Option<bool> {
        match e {
            Expr::Const(b) => Some(*b),
            Expr::Atom(a) => {
                let atom = &self.atoms[*a];
                (atom.issue < known).then(|| atom.allows(values[atom.issue]))
            }
            Expr::Not(x) => self.eval3(x, values, known).map(|b| !b),
            Expr::And(xs) => {
                let mut all = Some(true);
                for x in xs {
                    match self.eval3(x, values, known) {
                        Some(false) => return Some(false),
                        None => all = None,
                        Some(true) => {}
                    }
                }
                all
            }
            Expr::Or(xs) => {
                let mut any = Some(false);
                for x in xs {
                    match self.eval3(x, values, known) {
                        Some(true) => return Some(true),
                        None => any = None,
                        Some(false) => {}
                    }
                }
                any
            }
            Expr::Implies(a, b) => {
                match (self.eval3(a, values, known), self.eval3(b, values, known)) {
                    (Some(false), _) | (_, Some(true)) => Some(true),
                    (Some(true), Some(false)) => Some(false),
                    _ => None,
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Word(String),
    Quoted(String),
    Number(String),
    Op(&'static str),
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Word(w) => write!(f, "`{w}`"),
            TokenKind::Quoted(w) => write!(f, "\"{w}\""),
            TokenKind::Number(n) => write!(f, "`{n}`"),
            TokenKind::Op(o) => write!(f, "`{o}`"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    offset: usize,
}

fn lex(text: &str) -> Result<Vec<Token>, RuleError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    const OPS: [&str; 13] = [
        "=>", "==", "!=", "<=", ">=", "..", "=", "<", ">", "(", ")", "{", "}",
    ];
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == b',' {
            tokens.push(Token {
                kind: TokenKind::Op(","),
                offset: i,
            });
            i += 1;
            continue;
        }
        if let Some(op) = OPS.iter().find(|op| text[i..].starts_with(**op)) {
            tokens.push(Token {
                kind: TokenKind::Op(op),
                offset: i,
            });
            i += op.len();
            continue;
        }
        if c == b'"' || c == b'\'' {
            let close = text[i + 1..].find(c as char).ok_or_else(|| RuleError {
                offset: start,
                message: "unterminated quoted name".into(),
            })?;
            tokens.push(Token {
                kind: TokenKind::Quoted(text[i + 1..i + 1 + close].to_string()),
                offset: start,
            });
            i += close + 2;
            continue;
        }
        if c.is_ascii_digit() || (c == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'-' || bytes[j] == b'+') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            // A name may start with digits (`2nd`): keep going if letters follow.
            if i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                tokens.push(Token {
                    kind: TokenKind::Word(text[start..i].to_string()),
                    offset: start,
                });
            } else {
                tokens.push(Token {
                    kind: TokenKind::Number(text[start..i].to_string()),
                    offset: start,
                });
            }
            continue;
        }
        if is_word_byte(c) || c >= 0x80 {
            while i < bytes.len() && (is_word_byte(bytes[i]) || bytes[i] >= 0x80) {
                i += 1;
            }
            tokens.push(Token {
                kind: TokenKind::Word(text[start..i].to_string()),
                offset: start,
            });
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or('?');
        return Err(RuleError {
            offset: i,
            message: format!("unexpected character `{ch}`"),
        });
    }
    Ok(tokens)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    issues: &'a [Issue],
    atoms: Vec<Atom>,
    end: usize,
    depth: usize,
}

/// Deepest nesting of `not`, parentheses and `=>` a rule may have (keeps parsing off the
/// edge of the stack).
const MAX_NESTING: usize = 200;

impl Parser<'_> {
    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.offset)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(TokenKind::Word(x)) if x == w)
    }

    fn is_op(&self, o: &str) -> bool {
        matches!(self.peek(), Some(TokenKind::Op(x)) if *x == o)
    }

    fn error<T>(&self, expected: &str) -> Result<T, RuleError> {
        let found = match self.peek() {
            Some(k) => k.to_string(),
            None => "the end of the rule".to_string(),
        };
        Err(RuleError {
            offset: self.offset(),
            message: format!("expected {expected}, found {found}"),
        })
    }

    fn rule(&mut self) -> Result<Expr, RuleError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(RuleError {
                offset: self.offset(),
                message: format!("the rule nests more than {MAX_NESTING} levels deep"),
            });
        }
        let result = self.rule_inner();
        self.depth -= 1;
        result
    }

    fn rule_inner(&mut self) -> Result<Expr, RuleError> {
        let left = self.or()?;
        if self.is_op("=>") {
            self.pos += 1;
            let right = self.rule()?;
            return Ok(Expr::Implies(Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let mut xs = vec![self.and()?];
        while self.is_word("or") {
            self.pos += 1;
            xs.push(self.and()?);
        }
        Ok(if xs.len() == 1 {
            xs.pop().unwrap_or(Expr::Const(false))
        } else {
            Expr::Or(xs)
        })
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let mut xs = vec![self.unary()?];
        while self.is_word("and") {
            self.pos += 1;
            xs.push(self.unary()?);
        }
        Ok(if xs.len() == 1 {
            xs.pop().unwrap_or(Expr::Const(true))
        } else {
            Expr::And(xs)
        })
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.is_word("not") {
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return Err(RuleError {
                    offset: self.offset(),
                    message: format!("the rule nests more than {MAX_NESTING} levels deep"),
                });
            }
            let inner = self.unary();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner?)));
        }
        if self.is_op("(") {
            self.pos += 1;
            let e = self.rule()?;
            if !self.is_op(")") {
                return self.error("`)`");
            }
            self.pos += 1;
            return Ok(e);
        }
        if self.is_word("true") {
            self.pos += 1;
            return Ok(Expr::Const(true));
        }
        if self.is_word("false") {
            self.pos += 1;
            return Ok(Expr::Const(false));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, RuleError> {
        let name_offset = self.offset();
        let name = match self.peek() {
            Some(TokenKind::Word(w)) | Some(TokenKind::Quoted(w)) => w.clone(),
            _ => return self.error("an issue name, `not`, `(`, `true` or `false`"),
        };
        let Some(issue_index) = self.issues.iter().position(|i| i.name == name) else {
            let known: Vec<&str> = self.issues.iter().map(|i| i.name.as_str()).collect();
            return Err(RuleError {
                offset: name_offset,
                message: format!("no issue is called `{name}` (issues: {})", known.join(", ")),
            });
        };
        self.pos += 1;
        let issue = &self.issues[issue_index];
        let n = issue.size() as u32;
        let mut negate = false;
        let mut negated = false;
        if self.is_word("not") {
            self.pos += 1;
            negate = true;
            if !self.is_word("in") {
                return self.error("`in` after `not`");
            }
        }
        let allowed: Vec<bool> = if self.is_word("in") {
            self.pos += 1;
            if self.is_op("{") {
                self.pos += 1;
                let mut set = vec![false; n as usize];
                loop {
                    let v = self.value(issue)?;
                    set[v as usize] = true;
                    if self.is_op(",") {
                        self.pos += 1;
                        continue;
                    }
                    if self.is_op("}") {
                        self.pos += 1;
                        break;
                    }
                    return self.error("`,` or `}`");
                }
                set
            } else {
                let lo = self.value(issue)?;
                if !self.is_op("..") {
                    return self.error("`..` (a range `low..high`) or `{` (a set)");
                }
                self.pos += 1;
                let hi = self.value(issue)?;
                (0..n).map(|k| k >= lo && k <= hi).collect()
            }
        } else {
            let op = match self.peek() {
                Some(TokenKind::Op(o)) if ["=", "==", "!=", "<", "<=", ">", ">="].contains(o) => *o,
                _ => return self.error("a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`)"),
            };
            negated = op == "!=";
            self.pos += 1;
            let v = self.value(issue)?;
            (0..n)
                .map(|k| match op {
                    "=" | "==" => k == v,
                    "!=" => k != v,
                    "<" => k < v,
                    "<=" => k <= v,
                    ">" => k > v,
                    _ => k >= v,
                })
                .collect()
        };
        let mut bits = vec![0u64; (n as usize).div_ceil(64)];
        for (k, &a) in allowed.iter().enumerate() {
            if a != negate {
                bits[k >> 6] |= 1 << (k & 63);
            }
        }
        self.atoms.push(Atom {
            issue: issue_index,
            allowed: bits,
            negated: negated || negate,
        });
        Ok(Expr::Atom(self.atoms.len() - 1))
    }

    /// Reads one value of `issue` and returns its index. Numeric issues take numbers, compared
    /// by position on the grid (values between grid points round to the nearest one).
    fn value(&mut self, issue: &Issue) -> Result<u32, RuleError> {
        let offset = self.offset();
        let text = match self.peek() {
            Some(TokenKind::Word(w)) | Some(TokenKind::Quoted(w)) | Some(TokenKind::Number(w)) => {
                w.clone()
            }
            _ => return self.error(&format!("a value of issue `{}`", issue.name)),
        };
        let found = issue.parse_value(&text);
        let Some(k) = found else {
            let message = issue.not_a_value(&text);
            return Err(RuleError { offset, message });
        };
        self.pos += 1;
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::IssueKind;

    fn issues() -> Vec<Issue> {
        let d = Issue::discrete;
        vec![
            d("hostages", &["none", "some", "all"]),
            d("ceasefire", &["none", "pause", "permanent"]),
            d("withdrawal", &["none", "partial", "full"]),
            Issue {
                name: "days".into(),
                description: None,
                kind: IssueKind::Integer { min: 0, max: 60 },
            },
        ]
    }

    #[test]
    fn implication_as_in_the_article() {
        let r = Rule::parse(
            "hostages = all => ceasefire = permanent and withdrawal = full",
            &issues(),
        )
        .unwrap();
        assert!(r.holds(&[2, 2, 2, 0]));
        assert!(!r.holds(&[2, 1, 2, 0]));
        assert!(!r.holds(&[2, 2, 1, 0]));
        assert!(r.holds(&[1, 0, 0, 0]));
        assert_eq!(r.holds_partial(&[1, 0, 0, 0], 1), Some(true));
        assert_eq!(r.holds_partial(&[2, 0, 0, 0], 1), None);
        assert_eq!(r.holds_partial(&[2, 1, 0, 0], 2), Some(false));
    }

    #[test]
    fn order_sets_ranges_and_negation() {
        let is = issues();
        let r = Rule::parse("withdrawal >= partial and days in 10..20", &is).unwrap();
        assert!(r.holds(&[0, 0, 1, 10]));
        assert!(!r.holds(&[0, 0, 0, 15]));
        assert!(!r.holds(&[0, 0, 2, 21]));
        let r = Rule::parse(
            "not (ceasefire in {pause, permanent}) or hostages != none",
            &is,
        )
        .unwrap();
        assert!(r.holds(&[0, 0, 0, 0]));
        assert!(!r.holds(&[0, 1, 0, 0]));
        let r = Rule::parse("ceasefire not in {permanent}", &is).unwrap();
        assert!(r.holds(&[0, 1, 0, 0]) && !r.holds(&[0, 2, 0, 0]));
        assert_eq!(r.issues(), vec![1]);
    }

    #[test]
    fn errors_say_where_and_what() {
        let is = issues();
        let e = Rule::parse("ceasefire = forever", &is).unwrap_err();
        assert_eq!(e.offset, 12);
        assert!(e.message.contains("no option `forever`"), "{}", e.message);
        let e = Rule::parse("truce = pause", &is).unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(e.message.contains("no issue is called `truce`"));
        let e = Rule::parse("hostages = all and", &is).unwrap_err();
        assert!(
            e.message.contains("found the end of the rule"),
            "{}",
            e.message
        );
        let e = Rule::parse("days = 61", &is).unwrap_err();
        assert!(e.message.contains("from 0 to 60"));
        let e = Rule::parse("hostages = all)", &is).unwrap_err();
        assert_eq!(e.offset, 14);
        let deep = format!("{}hostages = all", "not ".repeat(30_000));
        let e = Rule::parse(&deep, &is).unwrap_err();
        assert!(e.message.contains("nests more than"), "{}", e.message);
        let e = Rule::parse("hostages # all", &is).unwrap_err();
        assert!(e.message.contains("unexpected character `#`"));
    }
}
