//! The syntax tree schemals keeps: tree-sitter's visible nodes, copied into one array.
//!
//! A tree-sitter tree of a 300 KB `schema.sql.ts` takes about 10 MB (hidden and repeat nodes,
//! padding, parse states), and the server held one per file: half of its memory. This tree keeps
//! only what the analyses read (kind, field, byte range, links, error flags), 20 bytes per visible
//! node, about a fifth. Tree-sitter's tree is dropped as soon as it is copied.
//!
//! An edit is parsed again without the old tree-sitter tree: the smallest enclosing expression
//! the edit stays inside (a model's `a.model({...})`, a string) is parsed alone and its nodes
//! replace the old ones ([`Tree::edited`]). Where that cannot be shown to give what a parse of the
//! whole file gives (the file has a syntax error, or the result has one, another kind or another
//! extent), the whole file is parsed again; a large file in pieces (see [`chunked`]), so that no
//! whole tree-sitter tree is held. The API mirrors tree-sitter's `Node` so that the analyses read
//! either alike.

use std::sync::{Arc, LazyLock};

use crate::text::TextChange;

mod chunked;

/// No node: the parent of the root, the sibling after the last child.
const NONE: u32 = u32::MAX;

const NAMED: u8 = 1;
const ERROR: u8 = 1 << 1;
const MISSING: u8 = 1 << 2;
const HAS_ERROR: u8 = 1 << 3;
const EXTRA: u8 = 1 << 4;
const HAS_CHILDREN: u8 = 1 << 5;

/// One visible node. Nodes are in pre-order: a node's first child is the node after it, and a
/// subtree is a contiguous run of the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NodeData {
    start: u32,
    end: u32,
    parent: u32,
    next_sibling: u32,
    kind: u16,
    /// The field the node is in its parent (tree-sitter's field id; 0 for none).
    field: u8,
    flags: u8,
}

/// A parsed TypeScript file. Cloning shares the nodes; equal trees have the same nodes.
#[derive(Clone, PartialEq, Eq)]
pub struct Tree {
    nodes: Arc<NodeArray>,
}

/// The nodes of a tree: a `Vec` made to its exact size (sharing it copies nothing) whose
/// allocation, when the tree is dropped, is kept for the next edit's copy (see [`SPARE`]).
#[derive(PartialEq, Eq)]
struct NodeArray(Vec<NodeData>);

/// The allocation of the largest node array dropped since an edit last took it. Each edit copies
/// the edited file's nodes into a new array (the old tree stays in use until the new one is
/// published); a fresh allocation of a few megabytes is zeroed page by page by the kernel, a
/// fifth of a keystroke's time in a 1,000-model schema, where a reused one is already mapped.
static SPARE: std::sync::Mutex<Vec<NodeData>> = std::sync::Mutex::new(Vec::new());

impl NodeArray {
    /// An empty array for `capacity` nodes, in the spare allocation if it is large enough.
    fn with_capacity(capacity: usize) -> NodeArray {
        let mut spare = SPARE.lock().unwrap_or_else(|e| e.into_inner());
        // Not for a much smaller tree, which would keep the large allocation alive.
        if spare.capacity() >= capacity && spare.capacity() <= capacity.saturating_mul(2) {
            let mut reused = std::mem::take(&mut *spare);
            reused.clear();
            return NodeArray(reused);
        }
        NodeArray(Vec::with_capacity(capacity))
    }

    fn extend(&mut self, nodes: impl Iterator<Item = NodeData>) {
        self.0.extend(nodes);
    }
}

impl std::ops::Deref for NodeArray {
    type Target = [NodeData];

    fn deref(&self) -> &[NodeData] {
        &self.0
    }
}

impl Drop for NodeArray {
    fn drop(&mut self) {
        // Only arrays worth keeping (an edit of a small file allocates little), and never
        // waiting: a lock held elsewhere means an edit is taking the spare.
        if self.0.capacity() < 64 * 1024 {
            return;
        }
        if let Ok(mut spare) = SPARE.try_lock()
            && self.0.capacity() > spare.capacity()
        {
            *spare = std::mem::take(&mut self.0);
        }
    }
}

impl std::fmt::Debug for Tree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tree({} nodes)", self.nodes.len())
    }
}

/// Files larger than this are parsed in pieces: literals with more than [`LARGE_LITERAL`] bytes
/// inside, in groups of about [`GROUP`] bytes (a group's tree-sitter tree takes about 40 bytes a
/// byte while it is copied).
const PIECES_FROM: usize = 64 * 1024;
const LARGE_LITERAL: usize = 16 * 1024;
const GROUP: usize = 16 * 1024;

static LANGUAGE: LazyLock<tree_sitter::Language> =
    LazyLock::new(|| tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into());

/// Parses `text` with tree-sitter; `None` only if tree-sitter gives up.
fn parse_with_tree_sitter(text: &str) -> Option<tree_sitter::Tree> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&LANGUAGE).ok()?;
    parser.parse(text, None)
}

impl Tree {
    /// Parses a whole file. A UTF-8 byte order mark is blanked for the parser (same length, so
    /// byte offsets stay those of the file). `None` only if tree-sitter gives up, which it does
    /// not on any input in practice, or the text is too large for 32-bit offsets.
    pub fn parse(text: &str) -> Option<Tree> {
        u32::try_from(text.len()).ok()?;
        let blanked;
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => {
                blanked = format!("   {rest}");
                &blanked
            }
            None => text,
        };
        if text.len() > PIECES_FROM
            && let Some(tree) = Tree::parse_in_pieces(text, LARGE_LITERAL, GROUP)
        {
            return Some(tree);
        }
        let parsed = parse_with_tree_sitter(text)?;
        let mut nodes = Vec::with_capacity(parsed.root_node().descendant_count());
        copy_plain(parsed.root_node(), 0, &mut nodes)?;
        Some(Tree {
            nodes: Arc::new(NodeArray(nodes)),
        })
    }

    /// The tree of `text` parsed in pieces (see [`chunked`]): its literals with more than
    /// `large` bytes inside, in groups of entries of about `group` bytes. `None` when there is no
    /// such literal, the outer parse has a syntax error or a group's delimiters do not hold.
    /// Public for the tests that compare it with a whole parse.
    pub fn parse_in_pieces(text: &str, large: usize, group: usize) -> Option<Tree> {
        u32::try_from(text.len()).ok()?;
        Some(Tree {
            nodes: Arc::new(NodeArray(chunked::parse(text, large, group)?)),
        })
    }

    /// The tree of `new_text`, which is this tree's text with `change` applied: the edited
    /// expression parsed alone where that gives the whole file's parse, else the whole file.
    pub fn edited(&self, new_text: &str, change: &TextChange) -> Option<Tree> {
        self.reparse_region(new_text, change)
            .or_else(|| Tree::parse(new_text))
    }

    /// [`Tree::edited`] without the fallback: `None` when no enclosing expression could be
    /// parsed alone. Public for the tests that compare it with a whole parse.
    pub fn reparse_region(&self, new_text: &str, change: &TextChange) -> Option<Tree> {
        let delta = i64::try_from(change.new_end).ok()? - i64::try_from(change.old_end).ok()?;
        u32::try_from(new_text.len()).ok()?;
        let start = u32::try_from(change.start).ok()?;
        let old_end = u32::try_from(change.old_end).ok()?;
        // In a tree with a syntax error anywhere, an edit may mend it (or change how it was
        // recovered from): only the whole parse knows.
        if self
            .nodes
            .first()
            .is_none_or(|root| root.flags & HAS_ERROR != 0)
        {
            return None;
        }
        let mut candidate = self.smallest_enclosing(start, old_end);
        if let Some(index) = candidate
            && let Some(tree) = self.blank_edit(index, new_text, change, delta)
        {
            return Some(tree);
        }
        // Each larger region costs a parse; past a few, the whole file is as cheap.
        let mut attempts = 0;
        while let Some(index) = candidate {
            let node = self.nodes[index as usize];
            // A region as large as a file worth parsing in pieces is parsed as the whole file
            // is: each failed attempt would cost as much, and its ancestors are larger still.
            if (node.end - node.start) as usize > PIECES_FROM {
                return None;
            }
            if REGION_KINDS.contains(&node.kind) {
                let new_end = u32::try_from(i64::from(node.end) + delta).ok()?;
                if let Some(tree) = self.replaced(index, new_text, new_end, delta) {
                    return Some(tree);
                }
                attempts += 1;
                if attempts == 3 {
                    return None;
                }
            }
            candidate = self.enclosing_parent(index, start, old_end);
        }
        None
    }

    pub fn root_node(&self) -> Node<'_> {
        Node {
            nodes: &self.nodes,
            index: 0,
        }
    }

    /// The number of nodes (for tests and logs).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The deepest node that strictly contains `start..end`: its first and last bytes are not
    /// edited, so its delimiters stay where they were.
    fn smallest_enclosing(&self, start: u32, end: u32) -> Option<u32> {
        let mut found = None;
        let mut index = 0u32;
        'descend: loop {
            let node = self.nodes[index as usize];
            if !(node.start < start && end < node.end) {
                return found;
            }
            found = Some(index);
            if node.flags & HAS_CHILDREN == 0 {
                return found;
            }
            let mut child = index + 1;
            while child != NONE {
                let c = self.nodes[child as usize];
                if c.start < start && end < c.end {
                    index = child;
                    continue 'descend;
                }
                child = c.next_sibling;
            }
            return found;
        }
    }

    fn enclosing_parent(&self, index: u32, start: u32, end: u32) -> Option<u32> {
        let parent = self.nodes[index as usize].parent;
        (parent != NONE).then_some(parent).filter(|&p| {
            let n = self.nodes[p as usize];
            n.start < start && end < n.end
        })
    }

    /// This tree with its offsets moved, if `change` only typed or removed blanks between two
    /// children of the node at `index` (the deepest that strictly contains it) without joining
    /// two tokens: the syntax is the same.
    fn blank_edit(
        &self,
        index: u32,
        new_text: &str,
        change: &TextChange,
        delta: i64,
    ) -> Option<Tree> {
        let enclosing = self.nodes[index as usize];
        let inserted = new_text.get(change.start..change.new_end)?;
        if !change.removed_blank
            || !crate::text::is_blank(inserted)
            || enclosing.flags & (HAS_ERROR | HAS_CHILDREN) != HAS_CHILDREN
            // Blanks in a string, template or comment are text, not gaps between tokens.
            || TEXT_KINDS.contains(&enclosing.kind)
        {
            return None;
        }
        let (start, old_end) = (
            u32::try_from(change.start).ok()?,
            u32::try_from(change.old_end).ok()?,
        );
        // Between children: none of them overlaps the edit.
        let mut child = index + 1;
        while child != NONE {
            let c = self.nodes[child as usize];
            if c.start < old_end && start < c.end {
                return None;
            }
            child = c.next_sibling;
        }
        let joined = |a: Option<char>, b: Option<char>| {
            a.is_some_and(|c| !c.is_whitespace()) && b.is_some_and(|c| !c.is_whitespace())
        };
        if inserted.is_empty()
            && joined(
                new_text.get(..change.start)?.chars().next_back(),
                new_text.get(change.start..)?.chars().next(),
            )
        {
            return None;
        }
        let offset_delta = u32::try_from(delta.rem_euclid(1 << 32)).ok()?;
        if self
            .nodes
            .iter()
            .any(|node| node.end == start && TEXT_KINDS.contains(&node.kind))
        {
            // A line comment (or `#!` line) runs to the end of its line, blanks typed after it
            // included; no text token is worth telling apart here.
            return None;
        }
        let mut nodes = NodeArray::with_capacity(self.nodes.len());
        nodes.extend(self.nodes.iter().map(|node| {
            let mut node = *node;
            if node.start >= old_end {
                node.start = node.start.wrapping_add(offset_delta);
            }
            if node.end > start && node.end >= old_end {
                node.end = node.end.wrapping_add(offset_delta);
            }
            node
        }));
        Some(Tree {
            nodes: Arc::new(nodes),
        })
    }

    /// This tree with the subtree at `index` replaced by its text in `new_text` (ending at
    /// `new_end`) parsed alone, if that parse is a clean node of the same kind and extent.
    fn replaced(&self, index: u32, new_text: &str, new_end: u32, delta: i64) -> Option<Tree> {
        let old = self.nodes[index as usize];
        let region = new_text.get(old.start as usize..new_end as usize)?;
        // Parenthesized, an expression statement: an object literal is not read as a block.
        let wrapped = format!("({region})");
        let parsed = parse_with_tree_sitter(&wrapped)?;
        let root = parsed.root_node();
        if root.has_error() || root.named_child_count() != 1 {
            return None;
        }
        let statement = root.named_child(0)?;
        let parenthesized = statement.named_child(0)?;
        if statement.kind() != "expression_statement"
            || parenthesized.kind() != "parenthesized_expression"
            || parenthesized.named_child_count() != 1
        {
            return None;
        }
        let expression = parenthesized.named_child(0)?;
        if expression.kind_id() != old.kind
            || expression.start_byte() != 1
            || expression.end_byte() != 1 + region.len()
        {
            return None;
        }
        let mut subtree = Vec::with_capacity(expression.descendant_count());
        // Offsets in `wrapped` are one past those in the file (the opening parenthesis).
        copy_plain(expression, old.start.checked_sub(1)?, &mut subtree)?;

        let first = index as usize;
        let old_after = self.subtree_end(index) as usize;
        let removed = u32::try_from(old_after - first).ok()?;
        let added = u32::try_from(subtree.len()).ok()?;
        // Indices from the old subtree's end on move by `added - removed`, offsets from its end
        // on by `delta`; both wrap, as u32, to subtract. A full copy, but in tight loops: the
        // node array is one allocation, and the previous one's is reused (see `NodeArray`).
        let after = index + removed;
        let index_delta = added.wrapping_sub(removed);
        let offset_delta = u32::try_from(delta.rem_euclid(1 << 32)).ok()?;
        let moved = |i: u32| {
            if i != NONE && i >= after {
                i.wrapping_add(index_delta)
            } else {
                i
            }
        };
        let mut nodes =
            NodeArray::with_capacity(self.nodes.len() - removed as usize + subtree.len());
        nodes.extend(self.nodes[..first].iter().map(|node| {
            let mut node = *node;
            // Before the region: its ancestors end after it; other nodes end before it.
            if node.end >= old.end {
                node.end = node.end.wrapping_add(offset_delta);
            }
            node.next_sibling = moved(node.next_sibling);
            node
        }));
        nodes.extend(subtree.iter().enumerate().map(|(i, node)| {
            let mut node = *node;
            if i == 0 {
                node.parent = old.parent;
                node.next_sibling = moved(old.next_sibling);
                node.field = old.field;
            } else {
                node.parent += index;
                if node.next_sibling != NONE {
                    node.next_sibling += index;
                }
            }
            node
        }));
        // After the region: every node starts after it.
        nodes.extend(self.nodes[old_after..].iter().map(|node| NodeData {
            start: node.start.wrapping_add(offset_delta),
            end: node.end.wrapping_add(offset_delta),
            parent: moved(node.parent),
            next_sibling: moved(node.next_sibling),
            ..*node
        }));
        Some(Tree {
            nodes: Arc::new(nodes),
        })
    }

    /// The index after the subtree at `index`.
    fn subtree_end(&self, mut index: u32) -> u32 {
        loop {
            let node = self.nodes[index as usize];
            if node.next_sibling != NONE {
                return node.next_sibling;
            }
            if node.parent == NONE {
                return u32::try_from(self.nodes.len()).unwrap_or(NONE);
            }
            index = node.parent;
        }
    }
}

/// Kinds whose text parses alone as it does in place, wherever they are written: a string, an
/// object or a call is the same node in any expression (tree-sitter tells an object pattern or a
/// block by another kind, which the check of the kind refuses), and each ends with its own closing
/// token, so an edit inside cannot make it take in what follows. Not an arrow function: an
/// expression body is open on the right (`() => {} + 1` becomes `() => x = {} + 1`).
static REGION_KINDS: LazyLock<Vec<u16>> = LazyLock::new(|| {
    [
        "object",
        "array",
        "call_expression",
        "string",
        "template_string",
    ]
    .iter()
    .filter_map(|kind| kind_id(kind))
    .collect()
});

/// Kinds whose blanks are text.
static TEXT_KINDS: LazyLock<Vec<u16>> = LazyLock::new(|| {
    [
        "string",
        "template_string",
        "template_literal_type",
        "comment",
        "html_comment",
        "hash_bang_line",
        "regex",
    ]
    .iter()
    .filter_map(|kind| kind_id(kind))
    .collect()
});

/// The id of a named node kind of the grammar; `None` for a name it lacks.
fn kind_id(kind: &str) -> Option<u16> {
    Some(LANGUAGE.id_for_node_kind(kind, true)).filter(|&id| id != 0)
}

/// What [`copy_subtree`] does at a node: descend into its children, or go past them because the
/// hook appended them.
enum AtNode {
    Descend,
    ChildrenAppended,
}

/// Called by [`copy_subtree`] with each node pushed, its index and the nodes.
type CopyHook<'h> =
    dyn FnMut(tree_sitter::Node<'_>, u32, &mut Vec<NodeData>) -> Option<AtNode> + 'h;

/// Appends the visible nodes of `root`'s subtree in pre-order, offsets moved by `offset`, with
/// indices into `nodes`. The root's parent and next sibling are left unset. `hook` is called with
/// each node after it is pushed (and its index) and may append that node's children itself;
/// `None` from it abandons the copy (`None`).
fn copy_subtree(
    root: tree_sitter::Node<'_>,
    offset: u32,
    nodes: &mut Vec<NodeData>,
    hook: &mut CopyHook<'_>,
) -> Option<()> {
    let at = |byte: usize| u32::try_from(byte).map_or(u32::MAX, |b| b.saturating_add(offset));
    let mut cursor = root.walk();
    // The index of the last node pushed at each depth, to link siblings.
    let mut last_at_depth: Vec<u32> = Vec::new();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        let index = u32::try_from(nodes.len()).ok()?;
        let parent = if depth == 0 {
            NONE
        } else {
            last_at_depth[depth - 1]
        };
        if let Some(&previous) = last_at_depth.get(depth) {
            if depth > 0 {
                nodes[previous as usize].next_sibling = index;
            }
            last_at_depth[depth] = index;
        } else {
            last_at_depth.push(index);
        }
        let mut flags = 0;
        for (set, flag) in [
            (node.is_named(), NAMED),
            (node.is_error(), ERROR),
            (node.is_missing(), MISSING),
            (node.has_error(), HAS_ERROR),
            (node.is_extra(), EXTRA),
            (node.child_count() > 0, HAS_CHILDREN),
        ] {
            if set {
                flags |= flag;
            }
        }
        nodes.push(NodeData {
            start: at(node.start_byte()),
            end: at(node.end_byte()),
            parent,
            next_sibling: NONE,
            kind: node.kind_id(),
            field: if depth == 0 {
                0
            } else {
                cursor
                    .field_id()
                    .map_or(0, |f| u8::try_from(f.get()).unwrap_or(0))
            },
            flags,
        });
        let descend = match hook(node, index, nodes)? {
            AtNode::Descend => true,
            AtNode::ChildrenAppended => false,
        };
        if descend && cursor.goto_first_child() {
            depth += 1;
            // A new parent: its first child links to no earlier sibling.
            last_at_depth.truncate(depth);
            continue;
        }
        loop {
            if depth > 0 && cursor.goto_next_sibling() {
                break;
            }
            if depth == 0 || !cursor.goto_parent() {
                return Some(());
            }
            depth -= 1;
            last_at_depth.truncate(depth + 1);
        }
    }
}

/// [`copy_subtree`] with no hook.
fn copy_plain(root: tree_sitter::Node<'_>, offset: u32, nodes: &mut Vec<NodeData>) -> Option<()> {
    copy_subtree(root, offset, nodes, &mut |_, _, _| Some(AtNode::Descend))
}

/// A node of a [`Tree`]; as cheap to copy as a reference.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    nodes: &'t [NodeData],
    index: u32,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.nodes, other.nodes) && self.index == other.index
    }
}

impl Eq for Node<'_> {}

impl std::hash::Hash for Node<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{} {:?}}}", self.kind(), self.byte_range())
    }
}

impl<'t> Node<'t> {
    fn data(&self) -> &'t NodeData {
        &self.nodes[self.index as usize]
    }

    fn at(&self, index: u32) -> Option<Node<'t>> {
        (index != NONE).then_some(Node {
            nodes: self.nodes,
            index,
        })
    }

    /// Unique among the nodes of one tree.
    pub fn id(&self) -> usize {
        self.index as usize
    }

    pub fn kind(&self) -> &'static str {
        LANGUAGE.node_kind_for_id(self.data().kind).unwrap_or("")
    }

    pub fn kind_id(&self) -> u16 {
        self.data().kind
    }

    pub fn is_named(&self) -> bool {
        self.data().flags & NAMED != 0
    }

    pub fn is_error(&self) -> bool {
        self.data().flags & ERROR != 0
    }

    pub fn is_missing(&self) -> bool {
        self.data().flags & MISSING != 0
    }

    pub fn is_extra(&self) -> bool {
        self.data().flags & EXTRA != 0
    }

    /// Whether the node is or contains a syntax error.
    pub fn has_error(&self) -> bool {
        self.data().flags & HAS_ERROR != 0
    }

    pub fn start_byte(&self) -> usize {
        self.data().start as usize
    }

    pub fn end_byte(&self) -> usize {
        self.data().end as usize
    }

    pub fn byte_range(&self) -> std::ops::Range<usize> {
        self.start_byte()..self.end_byte()
    }

    pub fn parent(&self) -> Option<Node<'t>> {
        self.at(self.data().parent)
    }

    pub fn next_sibling(&self) -> Option<Node<'t>> {
        if self.data().parent == NONE {
            return None;
        }
        self.at(self.data().next_sibling)
    }

    pub fn prev_sibling(&self) -> Option<Node<'t>> {
        let parent = self.parent()?;
        let mut previous = None;
        for child in parent.all_children() {
            if child.index == self.index {
                return previous;
            }
            previous = Some(child);
        }
        None
    }

    pub fn next_named_sibling(&self) -> Option<Node<'t>> {
        std::iter::successors(self.next_sibling(), Node::next_sibling).find(Node::is_named)
    }

    pub fn prev_named_sibling(&self) -> Option<Node<'t>> {
        std::iter::successors(self.prev_sibling(), Node::prev_sibling).find(Node::is_named)
    }

    fn all_children(&self) -> Children<'t> {
        let first = if self.data().flags & HAS_CHILDREN != 0 {
            self.index + 1
        } else {
            NONE
        };
        Children {
            nodes: self.nodes,
            next: first,
            named_only: false,
        }
    }

    pub fn child_count(&self) -> u32 {
        u32::try_from(self.all_children().count()).unwrap_or(u32::MAX)
    }

    pub fn named_child_count(&self) -> usize {
        self.all_children().filter(Node::is_named).count()
    }

    pub fn child(&self, i: u32) -> Option<Node<'t>> {
        self.all_children().nth(i as usize)
    }

    pub fn named_child(&self, i: u32) -> Option<Node<'t>> {
        self.all_children().filter(Node::is_named).nth(i as usize)
    }

    /// The first child in the field `field` (see [`crate::field`]).
    pub fn child_by_field_id(&self, field: u16) -> Option<Node<'t>> {
        if field == 0 {
            return None;
        }
        self.all_children()
            .find(|child| u16::from(child.data().field) == field)
    }

    /// The children; the cursor is tree-sitter's way of iterating, kept for the same call shape.
    pub fn children(&self, _cursor: &mut TreeCursor<'t>) -> Children<'t> {
        self.all_children()
    }

    pub fn named_children(&self, _cursor: &mut TreeCursor<'t>) -> Children<'t> {
        Children {
            named_only: true,
            ..self.all_children()
        }
    }

    /// A cursor that walks this node's subtree.
    pub fn walk(&self) -> TreeCursor<'t> {
        TreeCursor {
            root: *self,
            node: *self,
        }
    }

    /// The smallest node that spans `start..end`, as tree-sitter's function of that name finds it
    /// (a node ending at `end` spans it; an empty range at a boundary goes to the later node).
    pub fn descendant_for_byte_range(&self, start: usize, end: usize) -> Option<Node<'t>> {
        self.descendant_for(start, end, false)
    }

    /// [`Node::descendant_for_byte_range`] among named nodes.
    pub fn named_descendant_for_byte_range(&self, start: usize, end: usize) -> Option<Node<'t>> {
        self.descendant_for(start, end, true)
    }

    fn descendant_for(&self, start: usize, end: usize, named: bool) -> Option<Node<'t>> {
        if start > end {
            return None;
        }
        let mut node = *self;
        let mut found = *self;
        'descend: loop {
            for child in node.all_children() {
                let (child_start, child_end) = (child.start_byte(), child.end_byte());
                if child_end < end {
                    continue;
                }
                let empty = child_start == child_end;
                if if empty {
                    child_end < start
                } else {
                    child_end <= start
                } {
                    continue;
                }
                if start < child_start {
                    break;
                }
                node = child;
                if !named || child.is_named() {
                    found = child;
                }
                continue 'descend;
            }
            return Some(found);
        }
    }
}

/// The children of a node, in order.
#[derive(Clone)]
pub struct Children<'t> {
    nodes: &'t [NodeData],
    next: u32,
    named_only: bool,
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        while self.next != NONE {
            let node = Node {
                nodes: self.nodes,
                index: self.next,
            };
            self.next = node.data().next_sibling;
            if !self.named_only || node.is_named() {
                return Some(node);
            }
        }
        None
    }
}

/// Walks a node's subtree, as tree-sitter's cursor does: it never leaves the node it started at.
pub struct TreeCursor<'t> {
    root: Node<'t>,
    node: Node<'t>,
}

impl<'t> TreeCursor<'t> {
    pub fn node(&self) -> Node<'t> {
        self.node
    }

    pub fn goto_first_child(&mut self) -> bool {
        let child = self.node.all_children().next();
        self.go(child)
    }

    pub fn goto_next_sibling(&mut self) -> bool {
        let sibling = (self.node != self.root)
            .then(|| self.node.next_sibling())
            .flatten();
        self.go(sibling)
    }

    pub fn goto_parent(&mut self) -> bool {
        let parent = (self.node != self.root)
            .then(|| self.node.parent())
            .flatten();
        self.go(parent)
    }

    fn go(&mut self, to: Option<Node<'t>>) -> bool {
        if let Some(node) = to {
            self.node = node;
        }
        to.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node and link of `tree` against tree-sitter's own tree of `text`.
    fn assert_same_as_tree_sitter(tree: &Tree, text: &str) {
        let theirs = parse_with_tree_sitter(text).expect("parsed");
        let mut ours = tree.root_node().walk();
        let mut cursor = theirs.walk();
        let mut count = 0;
        'walk: loop {
            let (a, b) = (ours.node(), cursor.node());
            assert_eq!(
                (
                    a.kind(),
                    a.byte_range(),
                    a.is_named(),
                    a.has_error(),
                    a.is_missing()
                ),
                (
                    b.kind(),
                    b.byte_range(),
                    b.is_named(),
                    b.has_error(),
                    b.is_missing()
                )
            );
            assert_eq!(a.child_count(), b.child_count(), "children of {a:?}");
            assert_eq!(a.named_child_count(), b.named_child_count(), "{a:?}");
            for field in 1..=LANGUAGE.field_count() as u16 {
                assert_eq!(
                    a.child_by_field_id(field).map(|n| n.byte_range()),
                    b.child_by_field_id(field).map(|n| n.byte_range()),
                    "field {field} of {a:?}"
                );
            }
            count += 1;
            let (down, down_too) = (ours.goto_first_child(), cursor.goto_first_child());
            assert_eq!(down, down_too);
            if down {
                continue;
            }
            loop {
                let (next, next_too) = (ours.goto_next_sibling(), cursor.goto_next_sibling());
                assert_eq!(next, next_too);
                if next {
                    continue 'walk;
                }
                let (up, up_too) = (ours.goto_parent(), cursor.goto_parent());
                assert_eq!(up, up_too);
                if !up {
                    break 'walk;
                }
            }
        }
        assert_eq!(count, tree.node_count());
    }

    const SAMPLE: &str = r#"import { a, defineData, type ClientSchema } from '@aws-amplify/backend';
// A comment.
const schema = a.schema({
  Post: a.model({ title: a.string().required(), tags: a.string().array() })
    .authorization((allow) => [allow.owner(), allow.guest().to(['read'])]),
  listPosts: a.query().returns(a.ref('Post').array())
    .handler(a.handler.inlineSql(`SELECT * FROM posts WHERE id = ${1}`)),
  broken: a.model({ x: a.string( }),
});
export type Schema = ClientSchema<typeof schema>;
export const data = defineData({ schema });
"#;

    #[test]
    fn the_copy_has_tree_sitters_visible_nodes_fields_and_flags() {
        let tree = Tree::parse(SAMPLE).expect("parsed");
        assert_same_as_tree_sitter(&tree, SAMPLE);
    }

    #[test]
    fn descendants_for_byte_ranges_are_tree_sitters() {
        let tree = Tree::parse(SAMPLE).expect("parsed");
        let theirs = parse_with_tree_sitter(SAMPLE).expect("parsed");
        for start in 0..=SAMPLE.len() {
            for end in [start, start + 1, start + 7]
                .into_iter()
                .filter(|&e| e <= SAMPLE.len())
            {
                let a = tree.root_node().descendant_for_byte_range(start, end);
                let b = theirs.root_node().descendant_for_byte_range(start, end);
                assert_eq!(
                    a.map(|n| (n.kind(), n.byte_range())),
                    b.map(|n| (n.kind(), n.byte_range())),
                    "{start}..{end}"
                );
                let a = tree.root_node().named_descendant_for_byte_range(start, end);
                let b = theirs
                    .root_node()
                    .named_descendant_for_byte_range(start, end);
                assert_eq!(
                    a.map(|n| (n.kind(), n.byte_range())),
                    b.map(|n| (n.kind(), n.byte_range())),
                    "named {start}..{end}"
                );
            }
        }
    }
}
