//! Open data for 政务公开: every plan and task as JSON and CSV, each unit's
//! tasks as CSV and its deadlines as iCalendar, plus the sitemap, the Atom
//! feed and robots.txt.

use std::io::{self, Write};

use chrono::NaiveDate;
use icalendar::{Calendar, Component, EventLike};
use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::model::{Site, TaskRef};

use super::Sink;
use super::pages::{Page, Renderer, plan_path};

/// A task in `data/tasks.json`: the fields of `check --json` plus where it is.
#[derive(Serialize)]
struct TaskRecord<'a> {
    plan: &'a str,
    #[serde(flatten)]
    facts: crate::check::TaskReport<'a>,
    text: &'a str,
    jurisdiction: &'a str,
    url: String,
}

/// The task's full address (base URL, plan page, anchor).
fn task_url(r: &Renderer, tr: TaskRef) -> String {
    let plan = &r.site.plans[tr.plan];
    format!(
        "{}{}#{}",
        r.base_url,
        plan_path(&plan.slug),
        plan.tasks[tr.task].anchor
    )
}

#[derive(Serialize)]
struct PlanRecord<'a> {
    slug: &'a str,
    title: &'a str,
    kind: &'static str,
    jurisdiction: &'a str,
    issuer: Option<&'a str>,
    doc_number: Option<&'a str>,
    index_number: Option<&'a str>,
    date_signed: Option<String>,
    date_published: Option<String>,
    period: Option<String>,
    topics: Vec<&'a str>,
    task_count: usize,
    url: String,
}

fn write(sink: &dyn Sink, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
    sink.put(path, bytes)
        .map_err(|e| Diagnostic::error(path, 0, format!("cannot write: {e}")))
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, Diagnostic> {
    let mut out = serde_json::to_vec(value)
        .map_err(|e| Diagnostic::error("data", 0, format!("cannot write JSON: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// Writes every data file. Returns how many files were written.
pub fn write_all(r: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    write_selected(r, sink, &|_| true)
}

/// Writes the data files whose path `want` accepts; `want` is asked once
/// for each data file of the site. `serve` renders one file at a time on
/// request, and lists the files by accepting none, so both use the code
/// that `build` uses. Returns how many files were written.
pub fn write_selected(
    r: &Renderer,
    sink: &dyn Sink,
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Result<usize, Diagnostic> {
    let site = r.site;
    let count = std::sync::atomic::AtomicUsize::new(0);
    let write = |path: &str, bytes: Vec<u8>| -> Result<(), Diagnostic> {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        write(sink, path, bytes)
    };
    let task_record = |tr: TaskRef| -> TaskRecord {
        let plan = &site.plans[tr.plan];
        let task = &plan.tasks[tr.task];
        TaskRecord {
            plan: &plan.slug,
            facts: crate::check::TaskReport::new(site, task),
            text: r.views.plain(site, tr),
            jurisdiction: &site.jurisdictions[plan.jurisdiction].name,
            url: task_url(r, tr),
        }
    };
    let all_tasks: Vec<TaskRef> = site
        .plans
        .iter()
        .enumerate()
        .flat_map(|(p, plan)| (0..plan.tasks.len()).map(move |t| TaskRef { plan: p, task: t }))
        .collect();
    // The two files of all tasks are the biggest of the site: streamed to
    // the sink, never whole in memory.
    let stream = |path: &str, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink.put_with(path, write)
            .map_err(|e| Diagnostic::error(path, 0, format!("cannot write: {e}")))
    };
    let tasks_json = || -> Result<(), Diagnostic> {
        if !want("data/tasks.json") {
            return Ok(());
        }
        stream("data/tasks.json", &mut |out| {
            out.write_all(b"[")?;
            for (i, &t) in all_tasks.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, &task_record(t))?;
            }
            out.write_all(b"]\n")
        })
    };
    let tasks_csv = || -> Result<(), Diagnostic> {
        if !want("data/tasks.csv") {
            return Ok(());
        }
        stream("data/tasks.csv", &mut |out| {
            csv_tasks(r, &all_tasks, None, out).map_err(|d| io::Error::other(d.message))
        })
    };
    // Each of the two streams is written by one thread; they and the many
    // small files below run side by side.
    let ((json_done, csv_done), rest_done) = rayon::join(
        || rayon::join(tasks_json, tasks_csv),
        || -> Result<(), Diagnostic> {
            let plans: Vec<PlanRecord> = site
                .plans
                .iter()
                .enumerate()
                .map(|(p, plan)| PlanRecord {
                    slug: &plan.slug,
                    title: &plan.meta.title,
                    kind: plan.kind.label(),
                    jurisdiction: &site.jurisdictions[plan.jurisdiction].name,
                    issuer: plan.meta.issuer.as_deref(),
                    doc_number: plan.meta.doc_number.as_deref(),
                    index_number: plan.meta.index_number.as_deref(),
                    date_signed: plan.meta.date_signed.map(|d| d.to_string()),
                    date_published: plan.meta.date_published.map(|d| d.to_string()),
                    period: r.views.plans[p].period.clone(),
                    topics: plan
                        .topics
                        .iter()
                        .map(|&t| site.topics[t].name.as_str())
                        .collect(),
                    task_count: plan.tasks.len(),
                    url: format!("{}{}", r.base_url, r.views.plans[p].path),
                })
                .collect();
            if want("data/plans.json") {
                write("data/plans.json", json(&plans)?)?;
            }
            // One JSON file per plan, with its tasks, linked from the plan page.
            site.plans
                .par_iter()
                .enumerate()
                .try_for_each(|(p, plan)| {
                    #[derive(Serialize)]
                    struct One<'a> {
                        #[serde(flatten)]
                        plan: &'a PlanRecord<'a>,
                        tasks: Vec<TaskRecord<'a>>,
                    }
                    let path = format!("data/plans/{}.json", plan.slug);
                    if !want(&path) {
                        return Ok(());
                    }
                    let tasks = (0..plan.tasks.len())
                        .map(|t| task_record(TaskRef { plan: p, task: t }))
                        .collect();
                    write(
                        &path,
                        json(&One {
                            plan: &plans[p],
                            tasks,
                        })?,
                    )
                })?;
            (0..site.units.len()).into_par_iter().try_for_each(|u| {
                let t = &r.index.units[u];
                let mut refs: Vec<TaskRef> = t.led.iter().chain(&t.shared).copied().collect();
                refs.sort_unstable();
                let dir = &r.views.unit_paths[u];
                let path = format!("{dir}tasks.csv");
                if want(&path) {
                    let mut bytes = Vec::new();
                    csv_tasks(r, &refs, Some(&t.led), &mut bytes)?;
                    write(&path, bytes)?;
                }
                let path = format!("{dir}deadlines.ics");
                if want(&path) {
                    write(&path, ics_for_unit(r, u, &refs)?)?;
                }
                Ok(())
            })?;
            if want("sitemap.xml") {
                write("sitemap.xml", sitemap(r)?)?;
            }
            if want("feed.xml") {
                write("feed.xml", feed(r)?)?;
            }
            if want("robots.txt") {
                write("robots.txt", robots(r).into_bytes())?;
            }
            Ok(())
        },
    );
    json_done?;
    csv_done?;
    rest_done?;
    Ok(count.into_inner())
}

/// Tasks as CSV, UTF-8 with a byte-order mark so that Excel reads it right.
/// With `led`, a role column says whether the unit leads or shares each task.
fn csv_tasks(
    r: &Renderer,
    refs: &[TaskRef],
    led: Option<&[TaskRef]>,
    out: &mut dyn Write,
) -> Result<(), Diagnostic> {
    let site = r.site;
    let strings = &r.theme.strings;
    let io_err = |e: io::Error| Diagnostic::error("data", 0, format!("cannot write CSV: {e}"));
    out.write_all(&[0xEF, 0xBB, 0xBF]).map_err(io_err)?;
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Diagnostic::error("data", 0, format!("cannot write CSV: {e}"));
    let columns = if led.is_some() { 13 } else { 12 };
    let headers: Vec<&str> = strings
        .csv_headers
        .iter()
        .take(columns)
        .map(String::as_str)
        .collect();
    w.write_record(&headers).map_err(err)?;
    let names = |ids: &[usize]| {
        ids.iter()
            .map(|&u| site.units[u].name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    for &tr in refs {
        let plan = &site.plans[tr.plan];
        let task = &plan.tasks[tr.task];
        let deadlines = task
            .deadlines
            .iter()
            .filter_map(|d| d.date.map(|x| x.to_string()))
            .collect::<Vec<_>>()
            .join(" ");
        let topics = task
            .topics
            .iter()
            .map(|&t| site.topics[t].name.as_str())
            .collect::<Vec<_>>()
            .join("、");
        let url = task_url(r, tr);
        let officials = task.officials.join("、");
        let mut row: [&str; 13] = [
            &plan.meta.title,
            &task.number,
            r.views.plain(site, tr),
            &names(&task.lead),
            &names(&task.responsible),
            &names(&task.participating),
            &officials,
            task.schedule.as_deref().unwrap_or_default(),
            &deadlines,
            &topics,
            &site.jurisdictions[plan.jurisdiction].name,
            &url,
            "",
        ];
        if let Some(led) = led {
            row[12] = if led.binary_search(&tr).is_ok() {
                &strings.role_lead
            } else {
                &strings.role_shared
            };
        }
        for cell in &row[..columns] {
            w.write_field(formula_safe(cell).as_bytes()).map_err(err)?;
        }
        w.write_record(None::<&[u8]>).map_err(err)?;
    }
    w.flush().map_err(io_err)
}

/// A cell that a spreadsheet would run as a formula (`=HYPERLINK(…)`,
/// `+cmd|…`, `@SUM(…)`, DDE) is written with a leading `'`, which makes
/// Excel and WPS read it as text (OWASP's advice on CSV injection).
fn formula_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A unit's deadlines as an iCalendar file a calendar app can subscribe to:
/// one all-day event per dated deadline.
fn ics_for_unit(r: &Renderer, u: usize, refs: &[TaskRef]) -> Result<Vec<u8>, Diagnostic> {
    let site = r.site;
    let unit = &site.units[u];
    let jurisdiction = &site.jurisdictions[unit.jurisdiction];
    let host = r
        .base_url
        .split("://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .filter(|h| !h.is_empty())
        .unwrap_or("planpress.local");
    let mut cal = Calendar::new();
    cal.name(&format!(
        "{} {}{}",
        jurisdiction.name, unit.name, r.theme.strings.calendar_suffix
    ));
    for &tr in refs {
        let plan = &site.plans[tr.plan];
        let task = &plan.tasks[tr.task];
        let plain = r.views.plain(site, tr);
        // A fixed stamp keeps the file byte-identical from build to build.
        let stamp = plan
            .meta
            .date_published
            .or(plan.meta.date_signed)
            .unwrap_or(NaiveDate::MIN)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        for (i, d) in task.deadlines.iter().enumerate() {
            let Some(date) = d.date else { continue };
            let summary: String = plain.chars().take(60).collect();
            let event = icalendar::Event::new()
                .uid(&format!("{}-{}-{}@{}", plan.slug, task.anchor, i, host))
                .timestamp(stamp)
                .summary(&format!("{} {}", task.number, summary))
                // The full text is one click away (the URL): a unit's
                // calendar on a big site holds thousands of events.
                .description(&format!("{} {}", plan.meta.title, d.text))
                .url(&task_url(r, tr))
                .all_day(date)
                .done();
            cal.push(event);
        }
    }
    let cal = cal.done();
    let text: String = (&cal)
        .try_into()
        .map_err(|e| Diagnostic::error("data", 0, format!("cannot write iCalendar: {e}")))?;
    Ok(text.into_bytes())
}

fn sitemap(r: &Renderer) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct Url {
        loc: String,
        lastmod: Option<String>,
    }
    let mut urls = Vec::new();
    for page in r.pages() {
        if page == Page::NotFound {
            continue;
        }
        let lastmod = match page {
            Page::Plan(p) => {
                let m = &r.site.plans[p].meta;
                m.date_published.or(m.date_signed).map(|d| d.to_string())
            }
            _ => None,
        };
        let path = r.page_path(page);
        urls.push(Url {
            loc: format!("{}{}", r.base_url, path),
            lastmod: lastmod.clone(),
        });
        urls.push(Url {
            loc: format!("{}elder/{}", r.base_url, path),
            lastmod,
        });
    }
    let mut ctx = Context::new();
    ctx.insert("urls", &urls);
    r.render_extra("sitemap.xml", ctx)
}

fn feed(r: &Renderer) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct Entry {
        title: String,
        url: String,
        updated: String,
        summary: String,
    }
    let site: &Site = r.site;
    let stamp = |d: Option<NaiveDate>| {
        d.map(|d| format!("{d}T00:00:00+08:00"))
            .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".to_string())
    };
    let entries: Vec<Entry> = r
        .index
        .plans_by_date
        .iter()
        .map(|&p| {
            let plan = &site.plans[p];
            let summary = &r.views.plans[p];
            Entry {
                title: plan.meta.title.clone(),
                url: format!("{}{}", r.base_url, summary.path),
                updated: stamp(plan.meta.date_published.or(plan.meta.date_signed)),
                summary: format!(
                    "{} {} {}",
                    summary.jurisdiction.name,
                    summary.kind,
                    summary.doc_number.clone().unwrap_or_default()
                )
                .trim()
                .to_string(),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| stamp(None));
    let mut ctx = Context::new();
    ctx.insert("entries", &entries);
    ctx.insert("updated", &updated);
    r.render_extra("feed.xml", ctx)
}

fn robots(r: &Renderer) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        r.base_url
    )
}

#[cfg(test)]
mod tests {
    use super::formula_safe;

    #[test]
    fn formula_cells_are_written_as_text() {
        for bad in [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(formula_safe(bad), format!("'{bad}"));
        }
        for ok in ["区司法局", "2025-06-30", "1", "《规划》", ""] {
            assert_eq!(formula_safe(ok), ok);
        }
    }
}
