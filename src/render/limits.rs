//! Guards around tera, which has none of its own: a template from any theme
//! must not be able to abort the build or the dev server.
//!
//! - Include, extends and import cycles are refused when templates load
//!   ([`find_cycles`]): tera would recurse until the stack overflows.
//! - Every macro body and loop body gets a call to a guard function
//!   ([`instrument`]) that stops the render with an error when the stack is
//!   nearly used up (a macro calling itself without end) or when one page ran
//!   more loop iterations and macro calls than [`Limits::max_steps`].
//! - `range` is replaced by one that refuses more than
//!   [`Limits::max_range`] numbers (tera's allocates them all first).
//! - `get_env` reads only the variables [`Limits::allowed_env`] lists: a
//!   theme could otherwise publish CI tokens into every page.
//! - A page's output is capped at [`Limits::max_page_bytes`] while it is
//!   written ([`CappedWriter`]).
//!
//! The guard keeps its state per thread ([`GUARD`]): one render runs on one
//! thread from start to end, and [`begin`] resets it before each render.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};

/// Name of the function the instrumented templates call; the prefix keeps
/// it out of the way of a theme's own names.
pub const GUARD_FUNCTION: &str = "__grassroots_guard";

/// Limits on what one render may do. The defaults are far above what the
/// built-in theme needs (the Rust book's largest page takes well under 1%).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Loop iterations plus macro calls in one render of one page.
    pub max_steps: u64,
    /// Numbers one `range(…)` call may produce.
    pub max_range: usize,
    /// Bytes one rendered page may have.
    pub max_page_bytes: usize,
    /// Environment variables `get_env(name=…)` may read; empty: none.
    pub allowed_env: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 10_000_000,
            max_range: 1_000_000,
            max_page_bytes: 256 * 1024 * 1024,
            allowed_env: Vec::new(),
        }
    }
}

/// Stack a render must leave free: one more macro level of tera takes some
/// tens of KB in a debug build, far less in release.
const STACK_RESERVE: usize = 256 * 1024;
/// Where the remaining stack cannot be asked for: how much one render may use,
/// measured from where it started (worker threads have 2 MiB).
const STACK_BUDGET: usize = 1024 * 1024;

/// Why a guard stopped a render, for the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tripped {
    /// The stack was nearly used up inside this macro.
    TooDeep {
        template: String,
        macro_name: String,
    },
    /// Too many loop iterations and macro calls; the last was here.
    TooManySteps { template: String, place: Place },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Macro(String),
    /// A `for` loop, by its loop variable.
    Loop(String),
}

struct GuardState {
    steps: Cell<u64>,
    max_steps: Cell<u64>,
    stack_start: Cell<usize>,
    tripped: std::cell::RefCell<Option<Tripped>>,
}

thread_local! {
    static GUARD: GuardState = const { GuardState {
        steps: Cell::new(0),
        max_steps: Cell::new(u64::MAX),
        stack_start: Cell::new(0),
        tripped: std::cell::RefCell::new(None),
    } };
}

fn stack_address() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}

/// Resets this thread's guard before a render.
pub fn begin(limits: &Limits) {
    GUARD.with(|g| {
        g.steps.set(0);
        g.max_steps.set(limits.max_steps);
        g.stack_start.set(stack_address());
        g.tripped.replace(None);
    });
}

/// What stopped the last render on this thread, if a guard did.
pub fn tripped() -> Option<Tripped> {
    GUARD.with(|g| g.tripped.borrow().clone())
}

/// True when the stack is nearly used up.
fn stack_low() -> bool {
    match stacker::remaining_stack() {
        Some(left) => left < STACK_RESERVE,
        None => GUARD.with(|g| g.stack_start.get().abs_diff(stack_address()) > STACK_BUDGET),
    }
}

/// The function every macro and loop body calls first (see [`instrument`]).
struct Guard;

impl tera::Function for Guard {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let arg = |k: &str| {
            args.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let template = arg("template");
        let place = match args.get("macro").and_then(|v| v.as_str()) {
            Some(m) => Place::Macro(m.to_string()),
            None => Place::Loop(arg("loop")),
        };
        let tripped = GUARD.with(|g| {
            let steps = g.steps.get() + 1;
            g.steps.set(steps);
            if let Place::Macro(name) = &place
                && stack_low()
            {
                return Some(Tripped::TooDeep {
                    template: template.clone(),
                    macro_name: name.clone(),
                });
            }
            (steps > g.max_steps.get()).then(|| Tripped::TooManySteps {
                template: template.clone(),
                place: place.clone(),
            })
        });
        match tripped {
            None => Ok(tera::Value::String(String::new())),
            Some(t) => {
                GUARD.with(|g| g.tripped.replace(Some(t)));
                Err(tera::Error::msg("stopped by grassroots' template limits"))
            }
        }
    }
}

/// `range(end=…, start=…, step_by=…)` as tera has it, refusing more than
/// `max` numbers before it makes them.
struct Range {
    max: usize,
}

impl tera::Function for Range {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let number = |k: &str, default: Option<usize>| -> tera::Result<usize> {
            match args.get(k) {
                Some(v) => tera::from_value::<usize>(v.clone()).map_err(|_| {
                    tera::Error::msg(format!(
                        "Function `range` received {k}={v} but `{k}` can only be a number"
                    ))
                }),
                None => default.ok_or_else(|| {
                    tera::Error::msg("Function `range` was called without a `end` argument")
                }),
            }
        };
        let start = number("start", Some(0))?;
        let step_by = number("step_by", Some(1))?;
        let end = number("end", None)?;
        if start > end {
            return Err(tera::Error::msg(
                "Function `range` was called with a `start` argument greater than the `end` one",
            ));
        }
        if step_by == 0 {
            return Err(tera::Error::msg(
                "Function `range` was called with a `step_by` of 0",
            ));
        }
        let count = (end - start).div_ceil(step_by);
        if count > self.max {
            return Err(tera::Error::msg(format!(
                "range(start={start}, end={end}, step_by={step_by}) would make {count} numbers; \
                 a template may make at most {} in one range",
                self.max
            )));
        }
        Ok(tera::Value::Array(
            (start..end)
                .step_by(step_by)
                .map(tera::Value::from)
                .collect(),
        ))
    }
}

/// `get_env(name=…, default=…)` for the variables config.toml allows.
struct GetEnv {
    allowed: Arc<Vec<String>>,
}

impl tera::Function for GetEnv {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let name = args
            .get("name")
            .and_then(|v| v.as_str())
            .ok_or_else(|| tera::Error::msg("get_env needs a name, as in get_env(name=\"CI\")"))?;
        if !self.allowed.iter().any(|a| a == name) {
            return Err(tera::Error::msg(format!(
                "get_env(name=\"{name}\") is refused: templates may read only the environment \
                 variables that config.toml lists in [templates] allowed_env (the build's \
                 environment can hold secrets such as CI tokens)"
            )));
        }
        match (std::env::var(name), args.get("default")) {
            (Ok(value), _) => Ok(tera::Value::String(value)),
            (Err(_), Some(default)) => Ok(default.clone()),
            (Err(_), None) => Err(tera::Error::msg(format!(
                "the environment variable `{name}` is not set and get_env has no default"
            ))),
        }
    }
}

/// Registers the guard and replaces `range` and `get_env`.
pub fn register(tera: &mut tera::Tera, limits: &Limits) {
    tera.register_function(GUARD_FUNCTION, Guard);
    tera.register_function(
        "range",
        Range {
            max: limits.max_range,
        },
    );
    tera.register_function(
        "get_env",
        GetEnv {
            allowed: Arc::new(limits.allowed_env.clone()),
        },
    );
}

/// Puts a guard call first in every macro body and loop body of every
/// template (the parsed tree, its blocks and its macros, which tera keeps
/// as separate copies). The call prints nothing.
pub fn instrument(tera: &mut tera::Tera) {
    for (name, template) in tera.templates.iter_mut() {
        instrument_nodes(name, &mut template.ast);
        for m in template.macros.values_mut() {
            instrument_macro(name, &m.name.clone(), &mut m.body);
        }
        for b in template.blocks.values_mut() {
            instrument_nodes(name, &mut b.body);
        }
        for definitions in template.blocks_definitions.values_mut() {
            for (from, block) in definitions.iter_mut() {
                instrument_nodes(from, &mut block.body);
            }
        }
    }
}

fn guard_call(template: &str, key: &str, value: &str) -> Node {
    let literal = |s: &str| Expr::new(ExprVal::String(s.to_string()));
    let args = HashMap::from([
        ("template".to_string(), literal(template)),
        (key.to_string(), literal(value)),
    ]);
    Node::VariableBlock(
        WS::default(),
        Expr::new(ExprVal::FunctionCall(FunctionCall {
            name: GUARD_FUNCTION.to_string(),
            args,
        })),
    )
}

fn instrument_macro(template: &str, macro_name: &str, body: &mut Vec<Node>) {
    instrument_nodes(template, body);
    body.insert(0, guard_call(template, "macro", macro_name));
}

fn instrument_nodes(template: &str, nodes: &mut [Node]) {
    for node in nodes {
        match node {
            Node::MacroDefinition(_, m, _) => {
                let name = m.name.clone();
                instrument_macro(template, &name, &mut m.body);
            }
            Node::Forloop(_, f, _) => {
                instrument_nodes(template, &mut f.body);
                f.body.insert(0, guard_call(template, "loop", &f.value));
                if let Some(empty) = &mut f.empty_body {
                    instrument_nodes(template, empty);
                }
            }
            Node::Block(_, b, _) => instrument_nodes(template, &mut b.body),
            Node::FilterSection(_, f, _) => instrument_nodes(template, &mut f.body),
            Node::If(i, _) => {
                for (_, _, body) in &mut i.conditions {
                    instrument_nodes(template, body);
                }
                if let Some((_, body)) = &mut i.otherwise {
                    instrument_nodes(template, body);
                }
            }
            _ => {}
        }
    }
}

/// How one template leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edge {
    Includes,
    Extends,
    Imports,
}

impl Edge {
    pub fn verb(self) -> &'static str {
        match self {
            Edge::Includes => "includes",
            Edge::Extends => "extends",
            Edge::Imports => "imports macros from",
        }
    }
}

/// A cycle of templates: each step is (template, how it leads to the next).
pub type Cycle = Vec<(String, Edge)>;

/// Finds the cycles tera would recurse around without end: rendering
/// follows `include` and `extends`, loading macros follows `import` and
/// `extends`. Each cycle is reported once, starting at its first template
/// in name order.
pub fn find_cycles(tera: &tera::Tera) -> Vec<Cycle> {
    let mut render: HashMap<&str, Vec<(&str, Edge)>> = HashMap::new();
    let mut macros: HashMap<&str, Vec<(&str, Edge)>> = HashMap::new();
    for (name, t) in &tera.templates {
        let mut includes = Vec::new();
        collect_includes(&t.ast, &mut includes);
        let known = |n: &&str| tera.templates.contains_key(*n);
        let r = render.entry(name).or_default();
        r.extend(
            includes
                .iter()
                .copied()
                .filter(known)
                .map(|n| (n, Edge::Includes)),
        );
        let m = macros.entry(name).or_default();
        m.extend(
            t.imported_macro_files
                .iter()
                .map(|(f, _)| f.as_str())
                .filter(known)
                .map(|n| (n, Edge::Imports)),
        );
        if let Some(parent) = t.parent.as_deref().filter(known) {
            r.push((parent, Edge::Extends));
            m.push((parent, Edge::Extends));
        }
    }
    let mut cycles = cycles_in(&render);
    for c in cycles_in(&macros) {
        if !cycles.contains(&c) {
            cycles.push(c);
        }
    }
    cycles
}

fn collect_includes<'a>(nodes: &'a [Node], out: &mut Vec<&'a str>) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => out.extend(names.iter().map(String::as_str)),
            Node::MacroDefinition(_, m, _) => collect_includes(&m.body, out),
            Node::Forloop(_, f, _) => {
                collect_includes(&f.body, out);
                if let Some(e) = &f.empty_body {
                    collect_includes(e, out);
                }
            }
            Node::Block(_, b, _) => collect_includes(&b.body, out),
            Node::FilterSection(_, f, _) => collect_includes(&f.body, out),
            Node::If(i, _) => {
                for (_, _, body) in &i.conditions {
                    collect_includes(body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    collect_includes(body, out);
                }
            }
            _ => {}
        }
    }
}

/// The cycles of a graph, by an iterative depth-first search (a theme may
/// chain many templates; recursion here could itself overflow).
fn cycles_in(graph: &HashMap<&str, Vec<(&str, Edge)>>) -> Vec<Cycle> {
    let mut names: Vec<&str> = graph.keys().copied().collect();
    names.sort_unstable();
    let mut done: HashSet<&str> = HashSet::new();
    let mut found: Vec<Cycle> = Vec::new();
    for &start in &names {
        if done.contains(start) {
            continue;
        }
        // The path from `start`: (template, index of its next edge to try).
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        let mut on_path: HashSet<&str> = HashSet::from([start]);
        while let Some((node, next)) = path.last_mut() {
            let edges = graph.get(*node).map(Vec::as_slice).unwrap_or_default();
            if *next >= edges.len() {
                done.insert(node);
                on_path.remove(*node);
                path.pop();
                continue;
            }
            let (target, _) = edges[*next];
            *next += 1;
            if on_path.contains(target) {
                found.push(cycle_from(&path, target, graph));
            } else if !done.contains(target) {
                on_path.insert(target);
                path.push((target, 0));
            }
        }
    }
    found
}

/// The cycle that closes at `target` on the current `path`, rotated to
/// start at its smallest name so each cycle is reported the same way.
fn cycle_from(
    path: &[(&str, usize)],
    target: &str,
    graph: &HashMap<&str, Vec<(&str, Edge)>>,
) -> Cycle {
    let from = path.iter().position(|(n, _)| *n == target).unwrap_or(0);
    let mut cycle: Cycle = path[from..]
        .iter()
        .map(|(n, next)| {
            // `next` was advanced past the edge taken.
            let edge = graph[n][next - 1].1;
            (n.to_string(), edge)
        })
        .collect();
    if let Some(min) = (0..cycle.len()).min_by_key(|&i| cycle[i].0.clone()) {
        cycle.rotate_left(min);
    }
    cycle
}

/// The 1-based line of the first `{% include/import/extends … %}` tag in
/// `source` that names `target`, for the error message.
pub fn tag_line(source: &str, edge: Edge, target: &str) -> Option<usize> {
    let keyword = match edge {
        Edge::Includes => "include",
        Edge::Extends => "extends",
        Edge::Imports => "import",
    };
    source
        .lines()
        .position(|l| {
            l.contains(keyword)
                && (l.contains(&format!("\"{target}\"")) || l.contains(&format!("'{target}'")))
        })
        .map(|i| i + 1)
}

/// The 1-based line where a macro is defined or a loop over `var` starts.
pub fn place_line(source: &str, place: &Place) -> Option<usize> {
    source
        .lines()
        .position(|l| match place {
            Place::Macro(name) => {
                l.contains("macro") && l.contains(&format!("{name}("))
                    || l.contains(&format!("macro {name} ("))
            }
            Place::Loop(var) => l.contains("for") && l.contains(&format!(" {var} in")),
        })
        .map(|i| i + 1)
}

/// A writer that refuses to grow past `max` bytes, so a page that runs away
/// stops while it is written instead of filling the memory first.
pub struct CappedWriter {
    pub bytes: Vec<u8>,
    pub max: usize,
    pub overflowed: bool,
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max {
            self.overflowed = true;
            return Err(std::io::Error::other("the page is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> tera::Tera {
        let mut t = tera::Tera::default();
        t.add_raw_templates(templates.iter().copied()).unwrap();
        t
    }

    #[test]
    fn finds_include_and_import_cycles_but_not_plain_chains() {
        let t = tera(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% if x %}{% include \"a.html\" %}{% endif %}"),
            ("self.html", "x{% include \"self.html\" %}"),
            (
                "m1.html",
                "{% import \"m2.html\" as m %}{% macro f() %}{% endmacro %}",
            ),
            (
                "m2.html",
                "{% import \"m1.html\" as m %}{% macro g() %}{% endmacro %}",
            ),
            (
                "fine.html",
                "{% include \"leaf.html\" %}{% include \"leaf.html\" %}",
            ),
            ("leaf.html", "leaf"),
        ]);
        let mut cycles = find_cycles(&t);
        cycles.sort();
        let names: Vec<Vec<&str>> = cycles
            .iter()
            .map(|c| c.iter().map(|(n, _)| n.as_str()).collect())
            .collect();
        assert_eq!(
            names,
            [
                vec!["a.html", "b.html"],
                vec!["m1.html", "m2.html"],
                vec!["self.html"]
            ]
        );
        assert_eq!(cycles[1][0].1, Edge::Imports);
    }

    #[test]
    fn finds_a_cycle_through_extends() {
        let t = tera(&[
            (
                "base.html",
                "<{% include \"part.html\" %}>{% block b %}{% endblock %}",
            ),
            ("part.html", "{% extends \"base.html\" %}"),
        ]);
        let cycles = find_cycles(&t);
        assert_eq!(
            cycles,
            [vec![
                ("base.html".to_string(), Edge::Includes),
                ("part.html".to_string(), Edge::Extends)
            ]]
        );
    }

    #[test]
    fn range_is_capped_and_otherwise_like_teras() {
        let range = Range { max: 10 };
        let call = |args: &[(&str, i64)]| {
            let args: HashMap<String, tera::Value> = args
                .iter()
                .map(|(k, v)| (k.to_string(), tera::Value::from(*v)))
                .collect();
            tera::Function::call(&range, &args)
        };
        assert_eq!(
            call(&[("end", 5)]).unwrap(),
            tera::to_value([0, 1, 2, 3, 4]).unwrap()
        );
        assert_eq!(
            call(&[("start", 1), ("end", 8), ("step_by", 3)]).unwrap(),
            tera::to_value([1, 4, 7]).unwrap()
        );
        let e = call(&[("end", 1_000_000_000)]).unwrap_err().to_string();
        assert!(e.contains("would make 1000000000 numbers"), "{e}");
    }

    #[test]
    fn tag_and_place_lines() {
        let src = "a\n{% include \"x.html\" %}\n{% macro tree(n) %}\n{% for c in n %}";
        assert_eq!(tag_line(src, Edge::Includes, "x.html"), Some(2));
        assert_eq!(place_line(src, &Place::Macro("tree".into())), Some(3));
        assert_eq!(place_line(src, &Place::Loop("c".into())), Some(4));
    }
}
