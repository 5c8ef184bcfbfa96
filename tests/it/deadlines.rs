//! What deadlines mean in the data files and the calendars (docs/deadlines.md):
//! a limit is a due date, a start (`从2015年起`) is not, a span runs from its
//! first to its last day.

use crate::common;

use std::path::Path;

use common::{build, copy_example, read, repo, shared_example};
use serde_json::Value;

/// The task of `data/tasks.json` at `url` (a path: the site's base URL
/// comes before it).
fn task<'a>(tasks: &'a Value, url: &str) -> &'a Value {
    tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["url"].as_str().is_some_and(|u| u.ends_with(url)))
        .unwrap_or_else(|| panic!("no task {url}"))
}

/// The events of a calendar, each as its lines (unfolded).
fn events(ics: &str) -> Vec<String> {
    let unfolded = ics.replace("\r\n ", "");
    unfolded
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .map(|e| e.split("END:VEVENT").next().unwrap_or("").to_string())
        .collect()
}

/// The event of the calendar at `ics` whose URL ends with `anchor`.
fn event_of(ics: &Path, anchor: &str) -> Vec<String> {
    events(&read(ics))
        .into_iter()
        .filter(|e| e.contains(&format!("{anchor}\r\n")))
        .collect()
}

#[test]
fn a_start_is_no_due_date() {
    // 株洲县 task 1, as the document writes it: `实行宪法宣誓制度,从2015年起,…`.
    let source =
        std::fs::read_to_string(repo().join("tests/corpus/zhuzhou-2015-fazhi-shishi-yijian.txt"))
            .unwrap();
    assert!(source.contains("实行宪法宣誓制度,从2015年起"));
    // Only read: the example's build shared with the other modules.
    let out = shared_example(&[]);
    let tasks: Value = serde_json::from_str(&read(&out.join("data/tasks.json"))).unwrap();
    let url = "/plans/zhuzhou-2015-fazhi-shishi-yijian/#task-1";
    let t1 = task(&tasks, url);
    assert_eq!(t1["deadlines"], serde_json::json!([]), "no due date");
    assert_eq!(t1["starts"], serde_json::json!(["2015-01-01"]));
    assert_eq!(t1["spans"], serde_json::json!([]));
    // A limit stays a due date: 下陆区 规划 28, `2022年底前`.
    let limit = task(
        &tasks,
        "/plans/xialu-2023-fazhi-xialu-guihua-fengong/#task-28",
    );
    assert_eq!(limit["deadlines"], serde_json::json!(["2022-12-31"]));
    assert_eq!(limit["starts"], serde_json::json!([]));

    // tasks.csv: the start as an interval without an end.
    let csv = read(&out.join("data/tasks.csv"));
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (deadlines, urls) = (col("完成时限"), col("网址"));
    let row = rows
        .records()
        .map(Result::unwrap)
        .find(|r| r[urls].ends_with("zhuzhou-2015-fazhi-shishi-yijian/#task-1"))
        .unwrap();
    assert_eq!(&row[deadlines], "2015-01-01/..");

    // The calendar of its lead unit: one event on the first day of 2015,
    // none on its last.
    let dir = out.join("units/zhuzhoushizhuzhouxian");
    let ics = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().join("deadlines.ics"))
        .find(|p| p.exists() && read(p).replace("\r\n ", "").contains("yijian/#task-1\r\n"))
        .expect("a calendar with 株洲县 task 1");
    let e = event_of(&ics, "zhuzhou-2015-fazhi-shishi-yijian/#task-1");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("DTSTART;VALUE=DATE:20150101\r\n"), "{}", e[0]);
    // An all-day event ends the next day (RFC 5545).
    assert!(e[0].contains("DTEND;VALUE=DATE:20150102\r\n"), "{}", e[0]);
    assert!(e[0].contains("从2015年起"), "the words tell it is a start");
    assert!(!e[0].contains("20151231"), "{}", e[0]);
}

#[test]
fn a_span_runs_from_its_first_to_its_last_day() {
    let site = copy_example();
    let md = site
        .path()
        .join("content/zhuzhou-2015-fazhi-shishi-yijian.md");
    let text = read(&md).replace(
        "15.理顺行政强制执行体制。",
        "15.理顺行政强制执行体制。2016年-2017年完成。",
    );
    std::fs::write(&md, text).unwrap();
    // The output one level down, so that its lock goes with the folder.
    let dir = common::tempdir();
    let out = dir.path().join("public");
    build(site.path(), &out, &[]);
    let tasks: Value = serde_json::from_str(&read(&out.join("data/tasks.json"))).unwrap();
    let t15 = task(&tasks, "/plans/zhuzhou-2015-fazhi-shishi-yijian/#task-15");
    assert_eq!(
        t15["deadlines"],
        serde_json::json!([]),
        "a span is no due date"
    );
    assert_eq!(
        t15["spans"],
        serde_json::json!([["2016-01-01", "2017-12-31"]])
    );
    let csv = read(&out.join("data/tasks.csv"));
    assert!(csv.contains(",2016-01-01/2017-12-31,"), "the CSV cell");
    // One event over both years: DTEND is the day after the last (RFC 5545).
    let calendars: Vec<_> = walkdir::WalkDir::new(out.join("units"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_name() == "deadlines.ics")
        .map(|e| e.into_path())
        .collect();
    let mut found = 0;
    for ics in &calendars {
        for e in event_of(ics, "zhuzhou-2015-fazhi-shishi-yijian/#task-15") {
            assert!(e.contains("DTSTART;VALUE=DATE:20160101\r\n"), "{e}");
            assert!(e.contains("DTEND;VALUE=DATE:20180101\r\n"), "{e}");
            found += 1;
        }
    }
    assert!(found > 0, "task 15 is in its units' calendars");
}
