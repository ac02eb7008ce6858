//! The list and search cases (queues, schools, words, words within a filter) and the sequential
//! loop that times each one's first page and the page after it.

use super::*;

/// One list to measure.
#[derive(Debug, Clone)]
pub(super) struct ListCase {
    pub(super) name: String,
    pub(super) agent: bool,
    pub(super) query: Vec<(String, String)>,
}

/// What one list measurement found.
#[derive(Debug)]
pub(super) struct ListResult {
    pub(super) first: Summary,
    pub(super) items: usize,
    pub(super) second: Option<(Summary, usize)>,
    pub(super) errors: usize,
    pub(super) error_sample: Option<String>,
}

/// One GET, timed from sending to the last byte of the body.
pub(super) async fn get(
    client: &Client,
    url: &Url,
    token: &str,
) -> Result<(Duration, Vec<u8>), String> {
    let started = Instant::now();
    let res = client
        .get(url.clone())
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = res.status();
    let body = res
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: reading the body: {e}"))?;
    let elapsed = started.elapsed();
    if status != StatusCode::OK {
        return Err(format!(
            "GET {url}: {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        ));
    }
    Ok((elapsed, body.to_vec()))
}

/// Items and next cursor of a ticket page.
pub(super) fn page_of(body: &[u8]) -> Result<(usize, Option<String>), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .map(Vec::len)
        .ok_or("no items array")?;
    let next = v
        .get("next_cursor")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok((items, next))
}

/// Failed requests: how many, and the first one's message.
#[derive(Debug, Default)]
pub(super) struct Errors {
    pub(super) count: usize,
    pub(super) first: Option<String>,
}

/// Runs one URL `warmup` times unmeasured then `reps` times measured, one after another.
pub(super) async fn repeat(
    client: &Client,
    url: &Url,
    token: &str,
    warmup: usize,
    reps: usize,
    deadline: Instant,
    errors: &mut Errors,
) -> (Latencies, Option<Vec<u8>>) {
    let mut lat = Latencies::with_capacity(reps);
    let mut first_body = None;
    for i in 0..warmup + reps {
        if Instant::now() >= deadline {
            break;
        }
        match get(client, url, token).await {
            Ok((d, body)) => {
                if first_body.is_none() {
                    first_body = Some(body);
                }
                if i >= warmup {
                    lat.record(d);
                }
            }
            Err(e) => {
                errors.count += 1;
                errors.first.get_or_insert(e);
            }
        }
    }
    (lat, first_body)
}

pub(super) async fn measure_list(
    client: &Client,
    base: &Url,
    token: &str,
    case: &ListCase,
    args: &RunArgs,
    deadline: Instant,
) -> anyhow::Result<ListResult> {
    let mut url = base.join("/api/v1/tickets")?;
    url.query_pairs_mut().extend_pairs(&case.query);
    let mut errors = Errors::default();
    let (lat, body) = repeat(
        client,
        &url,
        token,
        args.list_warmup,
        args.list_reps,
        deadline,
        &mut errors,
    )
    .await;
    let (items, next) = match body.as_deref().map(page_of) {
        Some(Ok(p)) => p,
        Some(Err(e)) => bail!("{}: {e}", case.name),
        None => bail!(
            "{}: no answer: {}",
            case.name,
            errors.first.unwrap_or_default()
        ),
    };
    let second = match next {
        Some(cursor) => {
            let mut url2 = url.clone();
            url2.query_pairs_mut().append_pair("cursor", &cursor);
            let (lat2, body2) = repeat(
                client,
                &url2,
                token,
                args.list_warmup,
                args.list_reps,
                deadline,
                &mut errors,
            )
            .await;
            let items2 = body2
                .as_deref()
                .map(page_of)
                .and_then(Result::ok)
                .map_or(0, |(n, _)| n);
            Some((lat2.summary(), items2))
        }
        None => None,
    };
    Ok(ListResult {
        first: lat.summary(),
        items,
        second,
        errors: errors.count,
        error_sample: errors.first,
    })
}

pub(super) fn list_cases(args: &RunArgs) -> Vec<ListCase> {
    let limit = args.limit.to_string();
    let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .chain(std::iter::once(("limit".to_owned(), limit.clone())))
            .collect()
    };
    let group = args.group.as_str();
    let mut cases = vec![ListCase {
        name: format!("group {group} open queue [admin]"),
        agent: false,
        query: q(&[("group", group), ("status", "open")]),
    }];
    if args.agent_token.is_some() {
        cases.push(ListCase {
            name: format!("group {group} open queue [agent]"),
            agent: true,
            query: q(&[("group", group), ("status", "open")]),
        });
        cases.push(ListCase {
            name: format!("group {group} open queue by priority [agent]"),
            agent: true,
            query: q(&[("group", group), ("status", "open"), ("sort", "-priority")]),
        });
        cases.push(ListCase {
            name: "everything the agent may see [agent]".into(),
            agent: true,
            query: q(&[]),
        });
    }
    if let Some(uai) = &args.establishment {
        cases.push(ListCase {
            name: format!("school {uai} tickets [admin]"),
            agent: false,
            query: q(&[("establishment", uai)]),
        });
    }
    for w in &args.words {
        cases.push(ListCase {
            name: format!("search q={w} [admin]"),
            agent: false,
            query: q(&[("q", w)]),
        });
    }
    if args.agent_token.is_some() {
        for w in &args.words {
            cases.push(ListCase {
                name: format!("search q={w} [agent]"),
                agent: true,
                query: q(&[("q", w)]),
            });
        }
    }
    cases.extend(combined_search_cases(args, q));
    cases
}

/// A list's query string, `limit` included.
type Query = Vec<(String, String)>;

/// Searches narrowed the way the pages narrow them: within a group's open queue (as its agent),
/// within a school, among finished tickets; each for a common word and a rarer one.
pub(super) fn combined_search_cases(
    args: &RunArgs,
    q: impl Fn(&[(&str, &str)]) -> Query,
) -> Vec<ListCase> {
    let group = args.group.as_str();
    let words: Vec<&str> = [args.words.first(), args.words.get(2)]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut cases = Vec::new();
    for w in words {
        if args.agent_token.is_some() {
            cases.push(ListCase {
                name: format!("search q={w} in group {group} open queue [agent]"),
                agent: true,
                query: q(&[("q", w), ("group", group), ("status", "open")]),
            });
        }
        if let Some(uai) = &args.establishment {
            cases.push(ListCase {
                name: format!("search q={w} in school {uai} [admin]"),
                agent: false,
                query: q(&[("q", w), ("establishment", uai)]),
            });
        }
        cases.push(ListCase {
            name: format!("search q={w} finished, by last update [admin]"),
            agent: false,
            query: q(&[("q", w), ("status", "finished"), ("sort", "-updated")]),
        });
    }
    cases
}
