//! An edit parsed again by region ([`Tree::edited`]) gives the tree a parse of the whole new text
//! gives, node for node, over every schema file of the fixtures and many kinds of keystroke.

use std::path::Path;

use schemals_syntax::Tree;
use schemals_syntax::text::{LineIndex, apply_change};

/// Every `.ts` file under the check, generate and deploy fixtures.
fn fixture_texts() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut found = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "ts") {
                let text = std::fs::read_to_string(&path).expect("fixture text");
                found.push((path.display().to_string(), text));
            }
        }
    }
    found.sort();
    found.extend(
        TRICKY
            .iter()
            .enumerate()
            .map(|(i, text)| (format!("tricky text {i}"), (*text).to_owned())),
    );
    found
}

/// Texts whose parse depends on context: arrow bodies, patterns, generics, templates, regular
/// expressions, comments that run to the end of a line, automatic semicolons.
const TRICKY: &[&str] = &[
    "f(() => {} + 1);\nconst g = (a) => ({ a }), h = async (b: T) => b;\n",
    "const { a, b: [c, d] } = x;\n[a, b] = [b, a];\n({ a: e } = y);\n",
    "const v = f<T>(x) < g > (h);\nconst w = a < b, z = c > (d);\n",
    "type T = `a${B} c`;\nconst s = `x ${ y + `z ${w}` } v`;\nconst r = /a[/]b/g.test(q) / 2;\n",
    "#!/usr/bin/env node\n// line\nconst a = 1 // after\n/* block */ let b = a\n(c)\n",
    "let y = c ? () => { let z: T } : d;\nconst m = { get x() { return 1 }, [k]: v, ...rest };\n",
];

/// Applies `replacement` over `start..end` of `text`; the new text and its tree by both ways.
fn edit(
    text: &str,
    tree: &Tree,
    start: usize,
    end: usize,
    replacement: &str,
) -> (String, Tree, Option<Tree>) {
    let mut new_text = text.to_owned();
    let mut lines = LineIndex::new(&new_text);
    let (from, to) = (
        lines.line_col(&new_text, start),
        lines.line_col(&new_text, end),
    );
    let change = apply_change(&mut new_text, &mut lines, Some((from, to)), replacement)
        .expect("a ranged change");
    let whole = Tree::parse(&new_text).expect("parsed");
    let region = tree.reparse_region(&new_text, &change);
    (new_text, whole, region)
}

#[test]
fn keystrokes_parsed_by_region_give_the_whole_parse() {
    let edits: &[(&str, usize)] = &[
        ("x", 0),
        ("", 1),
        ("\"", 0),
        ("'", 0),
        ("`", 0),
        ("(", 0),
        (")", 0),
        ("{", 0),
        ("}", 0),
        ("[", 0),
        (",", 0),
        (".", 0),
        ("\n", 0),
        ("=>", 0),
        ("/*", 0),
        ("${", 0),
        ("<", 0),
        ("é", 0),
        (" ", 0),
        ("\t ", 0),
        ("", 1),
        ("  ", 2),
        ("x = ", 0),
        ("\n(a)", 0),
        ("}", 1),
    ];
    let (mut checked, mut by_region) = (0usize, 0usize);
    let mut typed = (0usize, 0usize);
    for (path, text) in fixture_texts() {
        let tree = Tree::parse(&text).expect("parsed");
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        // Every third place: the fixtures hold about 140 KB of schema files.
        for (n, &start) in boundaries.iter().enumerate().step_by(3) {
            let (insert, removed) = edits[n % edits.len()];
            let end = boundaries.get(n + removed).copied().unwrap_or(start);
            let (new_text, whole, region) = edit(&text, &tree, start, end, insert);
            checked += 1;
            if insert == "x" {
                typed.0 += 1;
            }
            if let Some(region) = region {
                by_region += 1;
                if insert == "x" {
                    typed.1 += 1;
                }
                assert!(
                    region == whole,
                    "{path}: {insert:?} over {start}..{end} parsed by region differs from the whole parse of\n{new_text}"
                );
            }
        }
    }
    // The region path is a common one, not a fallback that never runs. A letter typed between
    // two entries, or after a call, is a syntax error, and edits that unbalance a bracket or a
    // quote, or edit imports and comments at the top level, are parsed whole.
    eprintln!("{by_region} of {checked} edits parsed by region; letters: {typed:?}");
    assert!(checked > 10_000, "{checked} edits checked");
    assert!(
        by_region * 4 > checked,
        "{by_region} of {checked} edits parsed by region"
    );
    assert!(
        typed.1 * 5 > typed.0 * 2,
        "{typed:?} letters typed, parsed by region"
    );
}

#[test]
fn a_model_keystroke_parses_the_edited_string_alone_and_the_rest_moves() {
    let text = "const schema = a.schema({\n  Post: a.model({ title: a.string() }),\n  Tag: a.model({ name: a.string() }),\n});\n";
    let tree = Tree::parse(text).expect("parsed");
    let at = text.find("title").expect("title") + 2;
    let (new_text, whole, region) = edit(text, &tree, at, at, "XY");
    let region = region.expect("parsed by region");
    assert!(region == whole);
    let tag = new_text.find("Tag").expect("Tag");
    let node = region
        .root_node()
        .descendant_for_byte_range(tag, tag + 3)
        .expect("a node");
    assert_eq!(
        (node.kind(), node.byte_range()),
        ("property_identifier", tag..tag + 3)
    );
}

#[test]
fn an_edit_that_breaks_the_region_falls_back_to_the_whole_parse() {
    let text = "const schema = a.schema({\n  Post: a.model({ title: a.string() }),\n});\n";
    let tree = Tree::parse(text).expect("parsed");
    let at = text.find("a.string(").expect("call") + "a.string(".len();
    // An unclosed string inside the call: no region parses cleanly.
    let (new_text, whole, region) = edit(text, &tree, at, at, "\"");
    assert!(region.is_none());
    let edited = tree
        .edited(
            &new_text,
            &schemals_syntax::text::TextChange {
                start: at,
                old_end: at,
                new_end: at + 1,
                removed_blank: true,
            },
        )
        .expect("parsed");
    assert!(edited == whole);
    assert!(edited.root_node().has_error());
}

#[test]
fn files_parsed_in_pieces_give_the_whole_parse() {
    let (mut compared, mut in_pieces) = (0usize, 0usize);
    for (path, text) in fixture_texts() {
        let whole = Tree::parse(&text).expect("parsed");
        // Small pieces, so that the fixtures have large literals; every size from one entry to
        // a few.
        for (large, group) in [(40, 1), (40, 60), (100, 200), (300, 100)] {
            compared += 1;
            if let Some(pieces) = Tree::parse_in_pieces(&text, large, group) {
                in_pieces += 1;
                // A syntax error is kept inside its group (tree-sitter's recovery of the whole
                // file may differ): only the flag is compared then.
                if whole.root_node().has_error() {
                    assert!(pieces.root_node().has_error(), "{path} ({large}, {group})");
                } else {
                    assert!(
                        pieces == whole,
                        "{path} in pieces ({large}, {group}) differs"
                    );
                }
            }
        }
    }
    assert!(
        in_pieces * 2 > compared,
        "{in_pieces} of {compared} parsed in pieces"
    );
}

#[test]
fn a_large_literal_in_a_template_inside_another_is_parsed_whole() {
    // A `[...]` inside `${...}` inside a large `[...]`: both are large, and only the inner one may
    // be parsed in pieces (the two once nested, and the outer parse's ranges overlapped).
    let small = format!("x = [`${{[{}0]}}`];\n", "\"0\",".repeat(30));
    let whole = Tree::parse(&small).expect("parsed");
    for (large, group) in [(40, 1), (40, 60), (100, 30)] {
        if let Some(pieces) = Tree::parse_in_pieces(&small, large, group) {
            assert!(pieces == whole, "in pieces ({large}, {group})");
        }
    }
    let large = format!("x = [`${{[{}0]}}`];\n", "\"0\",".repeat(40_000));
    let tree = Tree::parse(&large).expect("parsed");
    assert!(!tree.root_node().has_error());
    assert_eq!(tree.root_node().byte_range(), 0..large.len());
}

#[test]
fn an_arrow_function_is_not_parsed_alone() {
    // `() => {} + 1` is the arrow plus one; with `x = ` typed before `{`, the arrow's body is
    // `x = {} + 1`: an arrow parsed alone would end before the `+`.
    let text = "f(() => {} + 1);\n";
    let tree = Tree::parse(text).expect("parsed");
    let at = text.find('{').expect("body");
    let (_, whole, region) = edit(text, &tree, at, at, "x = ");
    assert!(region.is_none_or(|region| region == whole));
    let arrow = whole
        .root_node()
        .descendant_for_byte_range(at, at)
        .and_then(|n| {
            std::iter::successors(Some(n), |n| n.parent()).find(|n| n.kind() == "arrow_function")
        })
        .expect("the arrow");
    assert_eq!(arrow.end_byte(), "f(() => x = {} + 1".len());
}

#[test]
fn an_edit_in_a_tree_with_a_syntax_error_is_parsed_whole() {
    // The error is outside the edited string; the edit mends nothing, but only a whole parse
    // could tell.
    let text = "const a = f('x', );\nconst b = g(\n";
    let tree = Tree::parse(text).expect("parsed");
    assert!(tree.root_node().has_error());
    let at = text.find('x').expect("x");
    let (_, _, region) = edit(text, &tree, at, at, "y");
    assert!(region.is_none());
}

#[test]
fn a_syntax_error_in_a_large_literal_stays_in_its_entry() {
    // One broken entry among many: parsed in pieces, the error is marked on the literal and its
    // ancestors, and the entries after it are read as they are written.
    let entries: String = (0..40)
        .map(|i| {
            format!(
                "  t{i}: a.model({{ id: a.id(){} }}),\n",
                if i == 7 { "." } else { "" }
            )
        })
        .collect();
    let text = format!("const schema = a.schema({{\n{entries}}});\n");
    let tree = Tree::parse_in_pieces(&text, 200, 100).expect("parsed in pieces");
    assert!(tree.root_node().has_error());
    let broken = text.find("t7:").expect("t7");
    let line_end = broken + text[broken..].find('\n').expect("line");
    let entry = tree
        .root_node()
        .descendant_for_byte_range(broken, line_end - 1)
        .expect("the entry");
    assert!(entry.has_error(), "{entry:?}");
    let later = text.find("t30").expect("t30");
    let key = tree
        .root_node()
        .descendant_for_byte_range(later, later + 3)
        .expect("a key");
    assert_eq!(
        (key.kind(), key.parent().map(|p| p.kind())),
        ("property_identifier", Some("pair"))
    );
    assert!(!key.parent().expect("pair").has_error());
}
