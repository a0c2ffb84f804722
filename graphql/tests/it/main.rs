//! Operations compared by meaning, through the crate's public API.

use accord_graphql::{GraphqlError, Operation, compare, query_pattern};

fn op(text: &str) -> Operation {
    Operation::parse(text, None, "test").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn paths(declared: &str, sent: &str) -> Vec<String> {
    compare(&op(declared), &op(sent))
        .into_iter()
        .map(|d| d.path)
        .collect()
}

const ORDER: &str = "query Order($id: ID!, $currency: String = \"EUR\") {
  order(id: $id) { id total(currency: $currency) lines { sku quantity } }
}";

#[test]
fn whitespace_comments_commas_and_order_do_not_count() {
    let same = "# the checkout page's order
query Order($currency: String = \"EUR\", $id: ID!) {order(id:$id){lines{quantity,sku},total(currency:$currency),id}}";
    assert_eq!(paths(ORDER, same), Vec::<String>::new());
}

#[test]
fn a_field_more_or_less_is_named_by_its_path() {
    let more = ORDER.replace("quantity }", "quantity price }");
    let differences = compare(&op(ORDER), &op(&more));
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(differences[0].path, "order.lines.price");
    assert!(differences[0].message.contains("not in the declared selection"));
    let less = ORDER.replace(" quantity }", " }");
    assert_eq!(paths(ORDER, &less), ["order.lines.quantity"]);
}

#[test]
fn arguments_aliases_variables_and_the_operation_count() {
    let argument = ORDER.replace("total(currency: $currency)", "total(currency: \"USD\")");
    assert_eq!(paths(ORDER, &argument), ["order.total(currency)"]);
    let alias = ORDER.replace(" id total", " orderId: id total");
    assert_eq!(paths(ORDER, &alias), ["order.id", "order.orderId"]);
    let variable = ORDER.replace("$id: ID!", "$id: ID");
    assert_eq!(paths(ORDER, &variable), ["$id"]);
    let mutation = ORDER.replace("query Order", "mutation Order");
    assert_eq!(paths(ORDER, &mutation), ["operation"]);
    let renamed = ORDER.replace("query Order", "query TheOrder");
    assert_eq!(paths(ORDER, &renamed), ["operation"]);
}

#[test]
fn fragments_are_compared_by_name_and_by_what_they_select() {
    let with = |fields: &str| {
        format!("query {{ order(id: 1) {{ ...Totals }} }} fragment Totals on Order {{ {fields} }}")
    };
    assert_eq!(
        paths(&with("total tax"), &with("tax total")),
        Vec::<String>::new()
    );
    assert_eq!(paths(&with("total tax"), &with("total")), ["order...Totals.tax"]);
    let inline = "query { order(id: 1) { total tax } }";
    assert_eq!(
        paths(&with("total tax"), inline),
        ["order.tax", "order.total", "order...Totals"]
    );
    let typed = "query { node(id: 1) { ... on Order { total } } }";
    let other = "query { node(id: 1) { ... on Invoice { total } } }";
    assert_eq!(
        paths(typed, other),
        ["node(... on Order)", "node(... on Invoice)"]
    );
}

#[test]
fn a_syntax_error_names_its_line_and_column() {
    let error = Operation::parse("query {\n  order(id: 1) {\n    total\n", None, "orders.graphql")
        .expect_err("unclosed");
    match &error {
        GraphqlError::Syntax { line, column, .. } => {
            assert!(*line >= 3, "{error}");
            assert!(*column >= 1, "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().starts_with("orders.graphql:"), "{error}");
}

#[test]
fn several_operations_need_a_name_and_an_unknown_fragment_is_named() {
    let two = "query A { a } query B { b }";
    assert!(matches!(
        Operation::parse(two, None, "doc"),
        Err(GraphqlError::WhichOperation { count: 2, .. })
    ));
    assert_eq!(
        Operation::parse(two, Some("B"), "doc")
            .expect("B")
            .name
            .as_deref(),
        Some("B")
    );
    assert!(matches!(
        Operation::parse(two, Some("C"), "doc"),
        Err(GraphqlError::UnknownOperation { .. })
    ));
    assert!(matches!(
        Operation::parse("{ a { ...Missing } }", None, "doc"),
        Err(GraphqlError::UnknownFragment { .. })
    ));
}

#[test]
fn the_query_pattern_is_the_one_pact_js_writes() {
    assert_eq!(
        query_pattern("query Hello {\n  hello(name: \"x\") { id }\n}"),
        "query\\s*Hello\\s*\\{\\s*hello\\(name:\\s*\"x\"\\)\\s*\\{\\s*id\\s*\\}\\s*\\}"
    );
}
