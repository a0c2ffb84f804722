//! The inventory service: a tonic server with a fixed stock (a blue mug, twelve in stock), in
//! the version that is deployed and in the next one, whose quantity is text.

use tonic::{Request, Response, Status};

use crate::{proto, proto_v2};

/// Which version of the service to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The service as it is: `int32 quantity = 3`.
    Main,
    /// The next version: `string quantity = 3` ("12 units"), a breaking change.
    Breaking,
}

/// The warehouse: the name and quantity of a SKU it stocks.
fn stocked(sku: &str) -> Option<(&'static str, i32)> {
    match sku {
        "MUG-1" => Some(("Blue mug", 12)),
        "TEA-7" => Some(("Green tea, 50 bags", 3)),
        _ => None,
    }
}

/// Checks a provider state of the dashboard's contract against the warehouse's stock: the
/// service's stock is fixed, so a state is set up by confirming it holds. An unknown state is an
/// error naming it.
pub fn check_state(state: &str) -> Result<(), String> {
    let holds = match state {
        "the blue mug MUG-1 is stocked" => stocked("MUG-1").is_some(),
        "no item has SKU NOPE" => stocked("NOPE").is_none(),
        other => return Err(format!("the inventory service knows no provider state '{other}'")),
    };
    if holds {
        Ok(())
    } else {
        Err(format!(
            "the provider state '{state}' does not hold in the warehouse"
        ))
    }
}

fn not_found(sku: &str) -> Status {
    Status::not_found(format!("no item with SKU {sku}"))
}

/// The service as it is.
#[derive(Debug, Default)]
struct Current;

#[tonic::async_trait]
impl proto::inventory_server::Inventory for Current {
    async fn get_item(&self, request: Request<proto::ItemRequest>) -> Result<Response<proto::Item>, Status> {
        let sku = request.into_inner().sku;
        let (name, quantity) = stocked(&sku).ok_or_else(|| not_found(&sku))?;
        Ok(Response::new(proto::Item {
            sku,
            name: name.to_owned(),
            quantity,
        }))
    }
}

/// The next version, with the quantity as text.
#[derive(Debug, Default)]
struct Next;

#[tonic::async_trait]
impl proto_v2::inventory_server::Inventory for Next {
    async fn get_item(
        &self,
        request: Request<proto_v2::ItemRequest>,
    ) -> Result<Response<proto_v2::Item>, Status> {
        let sku = request.into_inner().sku;
        let (name, quantity) = stocked(&sku).ok_or_else(|| not_found(&sku))?;
        Ok(Response::new(proto_v2::Item {
            sku,
            name: name.to_owned(),
            quantity: format!("{quantity} units"),
        }))
    }
}

/// A running inventory service; dropping it stops the server.
#[derive(Debug)]
pub struct RunningInventory {
    /// `http://127.0.0.1:PORT`, where gRPC clients call it.
    pub url: String,
    /// Its port.
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RunningInventory {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the service in `variant` on 127.0.0.1 at a free port.
pub async fn serve(variant: Variant) -> std::io::Result<RunningInventory> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let router = match variant {
        Variant::Main => tonic::transport::Server::builder()
            .add_service(proto::inventory_server::InventoryServer::new(Current)),
        Variant::Breaking => tonic::transport::Server::builder()
            .add_service(proto_v2::inventory_server::InventoryServer::new(Next)),
    };
    let task = tokio::spawn(async move {
        let _ = router.serve_with_incoming(incoming).await;
    });
    Ok(RunningInventory {
        url: format!("http://127.0.0.1:{port}"),
        port,
        task,
    })
}
