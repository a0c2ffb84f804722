//! A real GraphQL provider for the GraphQL tests, written with async-graphql: the orders API a
//! checkout consumer calls (`order(id) { id total(currency) lines { sku quantity } }`), as its
//! team wrote it and after a breaking change that renamed a line's `quantity` to `qty`.

use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

/// One line of an order, as the provider has it.
#[derive(Debug, Clone, SimpleObject)]
struct Line {
    sku: String,
    quantity: i32,
}

/// The line after the breaking change.
#[derive(Debug, Clone, SimpleObject)]
struct RenamedLine {
    sku: String,
    qty: i32,
}

/// An order's total in a currency.
fn total(currency: Option<&str>) -> f64 {
    if currency == Some("USD") { 107.0 } else { 99.5 }
}

/// An order.
#[derive(Debug, Clone)]
struct Order {
    id: ID,
}

#[Object]
impl Order {
    async fn id(&self) -> &ID {
        &self.id
    }

    async fn total(&self, currency: Option<String>) -> f64 {
        total(currency.as_deref())
    }

    async fn lines(&self) -> Vec<Line> {
        vec![Line {
            sku: "MUG-1".to_owned(),
            quantity: 2,
        }]
    }
}

/// An order after the breaking change.
#[derive(Debug, Clone)]
struct RenamedOrder {
    id: ID,
}

#[Object(name = "Order")]
impl RenamedOrder {
    async fn id(&self) -> &ID {
        &self.id
    }

    async fn total(&self, currency: Option<String>) -> f64 {
        total(currency.as_deref())
    }

    async fn lines(&self) -> Vec<RenamedLine> {
        vec![RenamedLine {
            sku: "MUG-1".to_owned(),
            qty: 2,
        }]
    }
}

struct Query;

#[Object]
impl Query {
    /// The order with this id; only order 42 exists.
    async fn order(&self, id: ID) -> Option<Order> {
        (id.as_str() == "42").then_some(Order { id })
    }
}

struct RenamedQuery;

#[Object(name = "Query")]
impl RenamedQuery {
    async fn order(&self, id: ID) -> Option<RenamedOrder> {
        (id.as_str() == "42").then_some(RenamedOrder { id })
    }
}

/// The provider's schema in SDL, as it is or after the breaking change.
pub fn schema_sdl(broken: bool) -> String {
    if broken {
        Schema::new(RenamedQuery, EmptyMutation, EmptySubscription).sdl()
    } else {
        Schema::new(Query, EmptyMutation, EmptySubscription).sdl()
    }
}

/// An axum router serving the API at `POST /graphql` (plus the `/_pact/state` calls the
/// official verifier makes, answered with 200).
pub fn router(broken: bool) -> axum::Router {
    use axum::routing::post;
    let graphql = move |axum::Json(request): axum::Json<async_graphql::Request>| async move {
        let response = if broken {
            Schema::new(RenamedQuery, EmptyMutation, EmptySubscription)
                .execute(request)
                .await
        } else {
            Schema::new(Query, EmptyMutation, EmptySubscription)
                .execute(request)
                .await
        };
        axum::Json(response)
    };
    axum::Router::new()
        .route("/graphql", post(graphql))
        .route("/_pact/state", post(|| async { "{}" }))
}
