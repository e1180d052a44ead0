//! Small fixture builders shared by the tests, and `spawn_app` for tests over a real socket.

use dossier::graphql::build_schema;
use dossier::model::{Citation, Date, Document, Entity, EntityKind, Id, Relation, RelationKind};
use dossier::store::{Graph, GraphBuilder, Node, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The small fixture data directory shipped with the tests.
pub fn small_fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small")
}

/// The bundled data directory.
pub fn bundled_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A graph built by hand, one call per entity or relation.
pub struct Fixture {
    b: GraphBuilder,
}

impl Fixture {
    pub fn new() -> Fixture {
        let mut b = GraphBuilder::new();
        b.add_document(Document {
            id: id("doc"),
            title: "A document".into(),
            publisher: None,
            published: Date::parse("2023-09-22").ok(),
            url: None,
        })
        .unwrap();
        Fixture { b }
    }

    pub fn entity(self, slug: &str, kind: EntityKind) -> Fixture {
        let name = slug.to_uppercase();
        self.named(slug, kind, &name)
    }

    pub fn named(mut self, slug: &str, kind: EntityKind, name: &str) -> Fixture {
        self.b
            .add_entity(Entity::new(id(slug), kind, name))
            .unwrap();
        self
    }

    /// An event held at a place (added before or after it).
    pub fn event_at(mut self, slug: &str, name: &str, place: &str) -> Fixture {
        self.b
            .add_entity(Entity {
                place: Some(id(place)),
                ..Entity::new(id(slug), EntityKind::Event, name)
            })
            .unwrap();
        self
    }

    pub fn relation(self, from: &str, kind: RelationKind, to: &str) -> Fixture {
        self.dated(from, kind, to, None)
    }

    pub fn dated(
        mut self,
        from: &str,
        kind: RelationKind,
        to: &str,
        date: Option<&str>,
    ) -> Fixture {
        let rid = format!(
            "{from}.{}.{to}",
            kind.name().to_lowercase().replace('_', "-")
        );
        self.b
            .add_relation(Relation {
                date: date.map(|d| Date::parse(d).unwrap()),
                ..Relation::cited(
                    id(&rid),
                    kind,
                    id(from),
                    id(to),
                    Citation {
                        document: id("doc"),
                        quote: format!("{from} {} {to}", kind.label()),
                    },
                )
            })
            .unwrap();
        self
    }

    pub fn build(self) -> Graph {
        self.b.build().unwrap()
    }
}

pub fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

/// The handle of an entity, by id.
pub fn n(g: &Graph, slug: &str) -> Node {
    g.node(slug).unwrap_or_else(|| panic!("no entity {slug}"))
}

/// The ids of a list of handles.
pub fn ids(g: &Graph, nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .map(|&x| g.entity(x).id().to_string())
        .collect()
}

/// The standard traversal fixture:
///
/// ```text
///   gov --ARRESTED--> ann <--DEFENDED-- ngo
///                      |                 ^
///                   CALLED (sym)     MEMBER_OF
///                      v                 |
///                     bob ---------------+
///   gov --PARTICIPATED_IN--> talks --LOCATED_IN--> city
///   loner (no relations)     selfie --ASSOCIATE_OF--> selfie (self-loop)
/// ```
pub fn traversal_graph() -> Graph {
    use EntityKind::*;
    use RelationKind::*;
    Fixture::new()
        .entity("ann", Person)
        .entity("bob", Person)
        .entity("ngo", Organisation)
        .entity("gov", Government)
        .entity("talks", Event)
        .entity("city", Place)
        .entity("loner", Person)
        .entity("selfie", Person)
        .dated("gov", Arrested, "ann", Some("2023-09-20"))
        .relation("ngo", Defended, "ann")
        .dated("ann", Called, "bob", Some("2023-09-21"))
        .relation("bob", MemberOf, "ngo")
        .dated("gov", ParticipatedIn, "talks", Some("2023-09"))
        .relation("talks", LocatedIn, "city")
        .relation("selfie", AssociateOf, "selfie")
        .build()
}

/// Runs a GraphQL query in-process against a graph and returns the JSON response.
pub async fn run(graph: Graph, query: &str) -> Value {
    let schema = build_schema(Store::new(graph));
    let resp = schema.execute(query).await;
    serde_json::to_value(&resp).unwrap()
}

/// The `extensions.code` of the first error of a response.
pub fn first_code(resp: &Value) -> &str {
    resp["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {resp}"))
}

/// A running server on a free loopback port; shut down when dropped.
pub struct App {
    pub addr: std::net::SocketAddr,
    pub store: Store,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Starts the real server on port 0 over the data in `dir`.
pub async fn spawn_app(dir: &Path) -> App {
    spawn_app_with(dir, dossier::server::Settings::default()).await
}

/// Starts the real server on port 0 over the data in `dir`, guarded as `settings` says.
pub async fn spawn_app_with(dir: &Path, settings: dossier::server::Settings) -> App {
    let (graph, _) = dossier::load::load_dir(dir).expect("fixture loads");
    spawn_graph_with(graph, settings).await
}

/// Starts the real server on port 0 over a graph, guarded as `settings` says.
pub async fn spawn_graph_with(graph: Graph, settings: dossier::server::Settings) -> App {
    let store = Store::new(graph);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let s = store.clone();
    tokio::spawn(async move {
        dossier::server::serve_with(listener, s, &settings, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    App {
        addr,
        store,
        stop: Some(tx),
    }
}

/// The log lines a test's tracing subscriber writes, kept in memory (see [`LogBuffer::capture`]).
#[derive(Clone, Default)]
pub struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    /// Runs `f` with a subscriber that writes what `filter` (an `EnvFilter` directive) lets
    /// through into a buffer, plain text; returns the log. Callsites other tests' threads saw
    /// first cached their interest without this subscriber, so it is computed again.
    pub fn capture(filter: &str, f: impl FnOnce()) -> String {
        let buffer = LogBuffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_env_filter(filter)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::callsite::rebuild_interest_cache();
            f()
        });
        let log = buffer.0.lock().unwrap().clone();
        String::from_utf8(log).unwrap()
    }
}
