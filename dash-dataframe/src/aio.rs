//! The DataFrame All-in-One component: [`DataFrameTable`].

use std::collections::HashMap;
use std::sync::{OnceLock, PoisonError, RwLock};
use std::time::Duration;

use dash_runtime::prelude::*;
use dash_runtime::store::{DataStore, Frame, StoreError};
use polars::prelude::{DataFrame, IntoLazy, LazyFrame};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::columns::{self, ColumnSpec, Records};
use crate::filter;
use crate::query::{self, SortBy, TableQuery, DEFAULT_PAGE_SIZE};

/// The component name inside every id.
pub const COMPONENT: &str = "DataFrameAIO";

/// The key prefix of frames kept in the app's data store for [`Source::stored`].
pub const STORE_PREFIX: &str = "dataframe:";

/// The id of one part of one table instance:
/// `{"component": "DataFrameAIO", "subcomponent": <part>, "aio_id": <aio_id>}`.
///
/// ```
/// use dash_dataframe::AioId;
///
/// let id = serde_json::to_value(AioId::source("sales")).unwrap();
/// assert_eq!(id, serde_json::json!({"component": "DataFrameAIO", "subcomponent": "source", "aio_id": "sales"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AioId {
    /// Always [`COMPONENT`].
    pub component: String,
    /// `table`, `count`, `message` or `source`.
    pub subcomponent: String,
    /// The caller's instance key.
    pub aio_id: String,
}

impl AioId {
    fn new(subcomponent: &str, aio_id: &str) -> Self {
        AioId {
            component: COMPONENT.to_owned(),
            subcomponent: subcomponent.to_owned(),
            aio_id: aio_id.to_owned(),
        }
    }

    /// The `dash_table.DataTable`.
    pub fn table(aio_id: &str) -> Self {
        Self::new("table", aio_id)
    }

    /// The row counter (`"<n> rows"` after filtering).
    pub fn count(aio_id: &str) -> Self {
        Self::new("count", aio_id)
    }

    /// The message that explains an invalid filter query (empty otherwise).
    pub fn message(aio_id: &str) -> Self {
        Self::new("message", aio_id)
    }

    /// The `dcc.Store` whose `data` names the table's source: an app's callback swaps the
    /// source by writing there (see [`DataFrameTable`]).
    pub fn source(aio_id: &str) -> Self {
        Self::new("source", aio_id)
    }
}

/// Where a table's rows come from.
#[derive(Clone)]
pub enum Source {
    /// A polars `LazyFrame`, run for every page (its plan: an in-memory frame, a
    /// `scan_parquet`, ...). It is kept in this process under the table's `aio_id`, so every
    /// web process must build the layout that holds it (a static layout does).
    Lazy(Box<LazyFrame>),
    /// A frame in the app's data store under `dataframe:<name>` (put there with
    /// [`put_frame`]): every process of the app sees it.
    Stored(String),
}

impl Source {
    /// A frame kept in the app's data store under `dataframe:<name>` (see [`put_frame`]).
    pub fn stored(name: impl Into<String>) -> Self {
        Source::Stored(name.into())
    }
}

impl From<LazyFrame> for Source {
    fn from(lf: LazyFrame) -> Self {
        Source::Lazy(Box::new(lf))
    }
}

impl From<DataFrame> for Source {
    fn from(df: DataFrame) -> Self {
        Source::Lazy(Box::new(df.lazy()))
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Lazy(_) => f.write_str("Source::Lazy(..)"),
            Source::Stored(name) => write!(f, "Source::Stored({name:?})"),
        }
    }
}

/// A reference to a source, as the source element's `data` holds it (plain JSON). An app's
/// callback may return one to point the table at a stored frame.
///
/// ```
/// use dash_dataframe::SourceRef;
///
/// let data = serde_json::to_value(SourceRef::stored("sales-2024")).unwrap();
/// assert_eq!(data, serde_json::json!({"source": "stored", "name": "sales-2024"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum SourceRef {
    /// The `LazyFrame` registered by [`DataFrameTable::new`] for this `aio_id`, or by
    /// [`register_frame`] under this name.
    Registered {
        /// The table instance, or the name given to [`register_frame`].
        aio_id: String,
    },
    /// A frame in the data store under `dataframe:<name>`.
    Stored {
        /// The name after `dataframe:`.
        name: String,
    },
}

impl SourceRef {
    /// A frame in the data store under `dataframe:<name>`.
    pub fn stored(name: impl Into<String>) -> Self {
        SourceRef::Stored { name: name.into() }
    }
}

/// Put `df` into the app's data store as the source named `name` (key `dataframe:<name>`),
/// for `ttl` (`None`: the store's default). Tables whose source is
/// [`Source::stored(name)`](Source::stored) read it, in every process of the app.
///
/// ```
/// use dash_dataframe::put_frame;
/// use dash_runtime::store::DataStore;
/// use polars::prelude::*;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = DataStore::in_memory();
/// let df = df!("x" => [1, 2, 3]).unwrap();
/// put_frame(&store, "numbers", df, None).await.unwrap();
/// assert!(store.get_bytes("dataframe:numbers").await.unwrap().is_some());
/// # });
/// ```
pub async fn put_frame(
    store: &DataStore,
    name: &str,
    df: DataFrame,
    ttl: Option<Duration>,
) -> Result<(), StoreError> {
    let bytes = Frame(df).encode(store.compression_threshold())?;
    store
        .put_bytes(&format!("{STORE_PREFIX}{name}"), bytes, ttl)
        .await
}

/// How many columns a table sorts by at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortMode {
    /// One column at a time.
    #[default]
    Single,
    /// Several columns (shift-click in the header).
    Multi,
}

fn registry() -> &'static RwLock<HashMap<String, LazyFrame>> {
    static REGISTRY: OnceLock<RwLock<HashMap<String, LazyFrame>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// Keep `lf` in this process under `name`, as a source any table can switch to: return the
/// [`SourceRef`] from a callback into a table's source element (`AioId::source`). Like a
/// [`Source::Lazy`], it is run for every page, so filters in its plan cost nothing until a
/// page is asked for; every web process must register it (at start-up).
///
/// Names are kept for the life of the process (registering a name again replaces its frame):
/// register a fixed set of views at start-up, not a new name per request.
///
/// ```
/// use dash_dataframe::{register_frame, AioId, SourceRef};
/// use polars::prelude::*;
///
/// let sales = df!("region" => ["North", "West"], "units" => [3, 5]).unwrap().lazy();
/// let west = register_frame("sales-west", sales.filter(col("region").eq(lit("West"))));
/// assert_eq!(
///     serde_json::to_value(&west).unwrap(),
///     serde_json::json!({"source": "registered", "aio_id": "sales-west"})
/// );
/// // A callback with `Output(AioId::source("sales"), "data")` returns `west` to show it.
/// # let _ = AioId::source("sales");
/// ```
pub fn register_frame(name: impl Into<String>, lf: LazyFrame) -> SourceRef {
    let name = name.into();
    registry()
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(name.clone(), lf);
    SourceRef::Registered { aio_id: name }
}

fn registered(aio_id: &str) -> Option<LazyFrame> {
    registry()
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(aio_id)
        .cloned()
}

/// A DataTable over a polars frame, paged, sorted and filtered on the server.
///
/// The table uses DataTable's `custom` page, sort and filter actions: each change of
/// `page_current`, `page_size`, `sort_by` or `filter_query` asks this component's callback
/// (registered by linking the crate) for one page, computed by one polars lazy query with
/// DataTable's native semantics (see [`crate::query`]). An invalid filter query leaves the
/// rows as they are and says what is wrong in the message element.
///
/// Ids, all `{"component": "DataFrameAIO", "subcomponent": .., "aio_id": <aio_id>}`
/// (see [`AioId`]): `table` (the DataTable), `count` (`"<n> rows"` after filtering),
/// `message` and `source` (a `dcc.Store` naming the rows' source).
///
/// ```no_run
/// use dash_dataframe::DataFrameTable;
/// use dash_runtime::prelude::*;
/// use polars::prelude::*;
///
/// let df = df!("region" => ["North", "South"], "units" => [10, 20]).unwrap();
/// Dash::new()
///     .layout(html::div(DataFrameTable::new("sales", df.lazy()).page_size(20)))
///     .run()
///     .expect("server");
/// ```
///
/// **Swapping the source from the app.** The app's own callback writes a new source into
/// the `data` of [`AioId::source`]: a `Serverside<Frame>` (the frame goes to the app's data
/// store, the browser holds a signed key, and any web process serves the next page), or a
/// [`SourceRef`] to a frame put with [`put_frame`]. The table then shows page one of the new
/// rows, under its current sort and filter.
///
/// ```
/// use dash_dataframe::DataFrameTable;
/// use dash_runtime::prelude::*;
/// use dash_runtime::store::Frame;
/// use polars::prelude::*;
///
/// fn sales() -> DataFrame {
///     df!("region" => ["North", "South", "North"], "units" => [10, 20, 30]).unwrap()
/// }
///
/// #[callback(
///     output = Output({"component": "DataFrameAIO", "subcomponent": "source", "aio_id": "sales"}, "data"),
///     inputs = [Input("region", "value")],
///     prevent_initial_call = true,
/// )]
/// fn pick_region(region: String) -> Result<Serverside<Frame>, PolarsError> {
///     let rows = sales().lazy().filter(col("region").eq(lit(region))).collect()?;
///     Ok(Serverside::new(Frame(rows)))
/// }
///
/// let layout = html::div((
///     dcc::Dropdown::new().id("region").options(["North", "South"]).value("North"),
///     DataFrameTable::new("sales", sales().lazy()),
/// ));
/// # let _ = layout;
/// ```
#[derive(Debug, Clone)]
pub struct DataFrameTable {
    aio_id: String,
    source: Source,
    page_size: usize,
    sort_mode: SortMode,
    case_insensitive: bool,
}

impl DataFrameTable {
    /// A table instance `aio_id` over `source` (a `LazyFrame`, a `DataFrame`, or
    /// [`Source::stored`]): 250 rows a page, single-column sort, case-sensitive filters.
    pub fn new(aio_id: impl Into<String>, source: impl Into<Source>) -> Self {
        DataFrameTable {
            aio_id: aio_id.into(),
            source: source.into(),
            page_size: DEFAULT_PAGE_SIZE,
            sort_mode: SortMode::Single,
            case_insensitive: false,
        }
    }

    /// Rows per page.
    pub fn page_size(mut self, rows: usize) -> Self {
        self.page_size = rows.max(1);
        self
    }

    /// Single- or multi-column sorting.
    pub fn sort_mode(mut self, mode: SortMode) -> Self {
        self.sort_mode = mode;
        self
    }

    /// Make the column filter boxes case-insensitive (DataTable's `filter_options`; the
    /// boxes then write `i` operators such as `icontains` into `filter_query`).
    pub fn case_insensitive(mut self, yes: bool) -> Self {
        self.case_insensitive = yes;
        self
    }
}

impl IntoComponent for DataFrameTable {
    fn into_component(self) -> Component {
        let id = self.aio_id.as_str();
        let source = match self.source {
            Source::Lazy(lf) => {
                registry()
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(self.aio_id.clone(), *lf);
                SourceRef::Registered {
                    aio_id: self.aio_id.clone(),
                }
            }
            Source::Stored(name) => SourceRef::Stored { name },
        };
        let mut table = dash_table::DataTable::new()
            .id(AioId::table(id))
            .columns(Vec::<ColumnSpec>::new())
            .data(Vec::<()>::new())
            .page_action("custom")
            .page_current(0)
            .page_size(self.page_size as u64)
            .page_count(1)
            .sort_action("custom")
            .sort_mode(self.sort_mode)
            .sort_by(Vec::<SortBy>::new())
            .filter_action("custom")
            .filter_query("");
        if self.case_insensitive {
            table = table.filter_options(serde_json::json!({"case": "insensitive"}));
        }
        html::div((
            dcc::Store::new().id(AioId::source(id)).data(source),
            html::Div::new()
                .id(AioId::message(id))
                .class_name("dataframe-aio-message")
                .children(""),
            table,
            html::Div::new()
                .id(AioId::count(id))
                .class_name("dataframe-aio-count")
                .children(""),
        ))
        .class_name("dataframe-aio")
        .into_component()
    }
}

/// What the source element holds, read back: a frame (from a `Serverside<Frame>` key) or a
/// [`SourceRef`].
#[doc(hidden)]
pub enum SourceData {
    Frame(DataFrame),
    Ref(SourceRef),
}

impl<'de> Deserialize<'de> for SourceData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = SourceData;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a DataFrame (Arrow IPC bytes) or a source reference")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<SourceData, E> {
                Frame::from_ipc(v)
                    .map(|f| SourceData::Frame(f.0))
                    .map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SourceData, A::Error> {
                let mut bytes = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                self.visit_bytes(&bytes)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SourceData, A::Error> {
                SourceRef::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(SourceData::Ref)
            }
        }
        d.deserialize_any(Visit)
    }
}

/// Why a source could not be read (shown in the message element).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The source element is empty.
    #[error("the table has no source")]
    Missing,
    /// A registered `LazyFrame` this process does not hold.
    #[error("this process holds no frame for table `{0}` (build the layout holding `DataFrameTable::new` in every process, or use a stored source)")]
    NotRegistered(String),
    /// A stored frame that is gone.
    #[error("the stored frame `{0}` is gone (expired or never put)")]
    NotStored(String),
    /// The data store failed.
    #[error("the data store failed: {0}")]
    Store(#[from] StoreError),
    /// The callback ran outside an app.
    #[error("no data store: the table's callback ran outside an app")]
    NoStore,
}

async fn resolve(source: Option<SourceData>) -> Result<LazyFrame, SourceError> {
    match source.ok_or(SourceError::Missing)? {
        SourceData::Frame(df) => Ok(df.lazy()),
        SourceData::Ref(SourceRef::Registered { aio_id }) => {
            registered(&aio_id).ok_or(SourceError::NotRegistered(aio_id))
        }
        SourceData::Ref(SourceRef::Stored { name }) => {
            let store = callback_context()
                .and_then(|c| c.data_store())
                .ok_or(SourceError::NoStore)?;
            let bytes = store
                .get_bytes(&format!("{STORE_PREFIX}{name}"))
                .await?
                .ok_or_else(|| SourceError::NotStored(name.clone()))?;
            Ok(Frame::decode(&bytes)?.0.lazy())
        }
    }
}

/// The outputs of [`refresh`]: data, columns, page_count, count, message.
type Refresh = (
    Update<Records>,
    Update<Vec<ColumnSpec>>,
    Update<usize>,
    Update<String>,
    String,
);

fn unchanged(message: String) -> Refresh {
    (
        Update::NoUpdate,
        Update::NoUpdate,
        Update::NoUpdate,
        Update::NoUpdate,
        message,
    )
}

/// The table's page for the table's state and source. Never fails: an invalid query or an
/// unreadable source leaves the rows and says why in the message.
#[callback(
    output = [
        Output({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": MATCH}, "data"),
        Output({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": MATCH}, "columns"),
        Output({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": MATCH}, "page_count"),
        Output({"component": "DataFrameAIO", "subcomponent": "count", "aio_id": MATCH}, "children"),
        Output({"component": "DataFrameAIO", "subcomponent": "message", "aio_id": MATCH}, "children"),
    ],
    inputs = [
        Input({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": MATCH}, "page_current"),
        Input({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": MATCH}, "page_size"),
        Input({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": MATCH}, "sort_by"),
        Input({"component": "DataFrameAIO", "subcomponent": "table", "aio_id": MATCH}, "filter_query"),
        Input({"component": "DataFrameAIO", "subcomponent": "source", "aio_id": MATCH}, "data"),
    ],
)]
async fn refresh(
    page_current: Option<f64>,
    page_size: Option<f64>,
    sort_by: Option<Vec<SortBy>>,
    filter_query: Option<String>,
    source: Option<Serverside<SourceData>>,
) -> Refresh {
    let filter = match filter::parse(filter_query.as_deref().unwrap_or("")) {
        Ok(f) => f,
        Err(e) => return unchanged(format!("Invalid filter query: {e}")),
    };
    let lf = match resolve(source.map(Serverside::into_inner)).await {
        Ok(lf) => lf,
        Err(e) => return unchanged(format!("The data could not be read: {e}")),
    };
    let count = |v: Option<f64>, default: usize| {
        v.filter(|v| v.is_finite() && *v >= 0.0)
            .map_or(default, |v| v as usize)
    };
    let q = TableQuery {
        filter,
        sort_by: sort_by.unwrap_or_default(),
        page_current: 0,
        page_size: 1,
    }
    .page(count(page_current, 0), count(page_size, DEFAULT_PAGE_SIZE));
    let with_columns = callback_context().is_none_or(|ctx| {
        let ids = ctx.triggered_prop_ids();
        ids.is_empty()
            || ids
                .iter()
                .any(|p| p.contains("\"subcomponent\":\"source\""))
    });
    let answer = tokio::task::spawn_blocking(move || {
        let cols = if with_columns {
            // Formats from the first rows of the source, not of one page.
            columns::columns(&lf.clone().limit(1000).collect()?)
        } else {
            Vec::new()
        };
        let page = query::run(lf, &q)?;
        let records = columns::records(&page.frame)?;
        Ok::<_, query::QueryError>((page, records, cols))
    })
    .await;
    match answer {
        Ok(Ok((page, records, cols))) => (
            Update::Value(records),
            if with_columns {
                Update::Value(cols)
            } else {
                Update::NoUpdate
            },
            Update::Value(page.page_count),
            Update::Value(format!("{} rows", page.total_rows)),
            String::new(),
        ),
        Ok(Err(e)) => unchanged(format!("The data could not be queried: {e}")),
        Err(e) => unchanged(format!("The query failed: {e}")),
    }
}
