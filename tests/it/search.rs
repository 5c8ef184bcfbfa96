//! The search index of the example site, queried the way the search page
//! queries it (`planpress::search::query` mirrors `static/search.js`).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::example_index;
use planpress::model::Site;
use planpress::render::markdown::to_plain;
use planpress::search::query::{Filters, Results, search};

fn index(site: &Site) -> BTreeMap<String, Vec<u8>> {
    planpress::search::build(site).into_iter().collect()
}

fn run(files: &BTreeMap<String, Vec<u8>>, q: &str, filters: &Filters) -> Results {
    let fetch = |p: &str| files.get(p).cloned();
    search(&fetch, q, filters, usize::MAX).unwrap()
}

/// `plan-slug#task-N` for every task whose text contains `needle`.
fn tasks_mentioning(site: &Site, needle: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for plan in &site.plans {
        for task in &plan.tasks {
            if to_plain(&task.text).contains(needle) {
                out.insert(format!("plans/{}/#{}", plan.slug, task.anchor()));
            }
        }
    }
    out
}

fn task_paths(r: &Results) -> BTreeSet<String> {
    r.hits
        .iter()
        .filter(|h| h.kind == "task")
        .map(|h| h.path.clone())
        .collect()
}

fn all_terms(files: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for (path, bytes) in files {
        if path.starts_with("search/d/") {
            let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            for t in v["t"].as_array().unwrap() {
                terms.insert(t.as_str().unwrap().to_string());
            }
        }
    }
    terms
}

#[test]
fn the_index_holds_chinese_words_not_characters() {
    let (_, files) = example_index();
    let terms = all_terms(files);
    for word in [
        "法律顾问",
        "法律",
        "顾问",
        "公职",
        "律师",
        "宪法",
        "宣誓",
        "依法行政",
        // Whole names of units, jurisdictions and their parts.
        "区司法局",
        "县司法局",
        "区委依法治区办",
        "哈尔滨市道里区",
        "道里区",
        "下陆区",
        "株洲县",
    ] {
        assert!(terms.contains(word), "{word} is a term");
    }
    let multi = terms.iter().filter(|t| t.chars().count() >= 2).count();
    assert!(
        multi * 10 > terms.len() * 7,
        "most terms are words of two characters or more ({multi} of {})",
        terms.len()
    );
    for stop in ["的", "和", "及"] {
        assert!(!terms.contains(stop), "stop word {stop} is not indexed");
    }
    // Every file is small: the manifest, shards and fragments especially.
    for (path, bytes) in files {
        assert!(bytes.len() < 64 * 1024, "{path} is {} bytes", bytes.len());
    }
    assert!(files["search/meta.json"].len() < 4096);
}

#[test]
fn falv_guwen_finds_the_tasks_on_legal_advisers() {
    let (site, files) = example_index();
    let r = run(files, "法律顾问", &Filters::default());
    assert_eq!(r.terms, [["法律顾问"]]);
    let found = task_paths(&r);
    let expected = tasks_mentioning(site, "法律顾问制度");
    assert!(expected.len() >= 2, "{expected:?}");
    assert!(
        expected.is_subset(&found),
        "missing: {:?}",
        expected.difference(&found).collect::<Vec<_>>()
    );
    assert_eq!(
        found,
        tasks_mentioning(site, "法律顾问"),
        "exactly the tasks that name 法律顾问"
    );
    // The tasks about the system itself (their first clause, the task's
    // heading, names it) rank above those that mention it in passing.
    let about: BTreeSet<String> = site
        .plans
        .iter()
        .flat_map(|p| p.tasks.iter().map(move |t| (p, t)))
        .filter(|(_, t)| {
            let plain = to_plain(&t.text);
            plain
                .split(['。', ',', ','])
                .next()
                .unwrap_or("")
                .contains("法律顾问")
        })
        .map(|(p, t)| format!("plans/{}/#{}", p.slug, t.anchor()))
        .collect();
    assert!(about.len() >= 2 && about.len() < found.len(), "{about:?}");
    let first: BTreeSet<String> = r.hits[..about.len()]
        .iter()
        .map(|h| h.path.clone())
        .collect();
    assert_eq!(first, about, "the tasks about 法律顾问 come first");
}

#[test]
fn gongzhi_lvshi_finds_the_three_jurisdictions_and_a_filter_narrows() {
    let (site, files) = example_index();
    let r = run(files, "公职律师", &Filters::default());
    let found = task_paths(&r);
    for must in [
        "plans/daoli-2017-shijian-fangan/#task-5",
        "plans/zhuzhou-2015-fazhi-shishi-yijian/#task-68",
    ] {
        assert!(found.contains(must), "{must} in {found:?}");
    }
    let expected = tasks_mentioning(site, "公职律师");
    assert!(
        expected.iter().filter(|p| p.contains("xialu")).count() >= 2,
        "下陆区 measures name 公职律师"
    );
    assert!(
        expected.is_subset(&found),
        "missing: {:?}",
        expected.difference(&found).collect::<Vec<_>>()
    );
    let jurisdictions: BTreeSet<&str> = r.hits.iter().map(|h| h.jurisdiction.as_str()).collect();
    assert_eq!(jurisdictions.len(), 3, "{jurisdictions:?}");

    let only = Filters {
        jurisdiction: Some("黄石市下陆区".into()),
        ..Filters::default()
    };
    let narrowed = run(files, "公职律师", &only);
    assert!(!narrowed.hits.is_empty());
    assert!(narrowed.hits.len() < r.hits.len());
    assert!(
        narrowed
            .hits
            .iter()
            .all(|h| h.jurisdiction == "黄石市下陆区")
    );
    assert_eq!(
        task_paths(&narrowed),
        found
            .iter()
            .filter(|p| p.contains("xialu"))
            .cloned()
            .collect::<BTreeSet<_>>()
    );
}

#[test]
fn xianfa_xuanshi_finds_tasks_in_all_three_documents() {
    let (site, files) = example_index();
    let r = run(files, "宪法宣誓", &Filters::default());
    let found = task_paths(&r);
    let expected = tasks_mentioning(site, "宪法宣誓");
    assert!(
        expected.is_subset(&found),
        "missing: {:?}",
        expected.difference(&found).collect::<Vec<_>>()
    );
    for doc in ["daoli-2017", "zhuzhou-2015", "xialu-2023"] {
        assert!(
            found.iter().any(|p| p.contains(doc)),
            "a task of {doc} in {found:?}"
        );
    }
    // Full-width input and spaces inside the words do not matter.
    let wide = run(files, "　宪法宣誓　", &Filters::default());
    assert_eq!(task_paths(&wide), found);
}

#[test]
fn tasks_with_all_words_rank_first() {
    let (site, files) = example_index();
    let r = run(files, "公职律师 法律顾问", &Filters::default());
    assert_eq!(r.terms.len(), 2);
    let both: BTreeSet<String> = tasks_mentioning(site, "公职律师")
        .intersection(&tasks_mentioning(site, "法律顾问"))
        .cloned()
        .collect();
    assert!(both.len() >= 2, "tasks name both: {both:?}");
    let n = both.len();
    let top: BTreeSet<String> = r.hits[..n].iter().map(|h| h.path.clone()).collect();
    assert_eq!(top, both, "tasks with both words come first");
    assert!(r.hits[..n].iter().all(|h| h.parts == 2));
    assert!(r.hits[n..].iter().all(|h| h.parts == 1));
    // Every task that names either comes too.
    let either: BTreeSet<String> = tasks_mentioning(site, "公职律师")
        .union(&tasks_mentioning(site, "法律顾问"))
        .cloned()
        .collect();
    assert!(either.is_subset(&task_paths(&r)));
}

#[test]
fn a_units_name_finds_its_tasks_and_the_unit_filter_keeps_them() {
    let (site, files) = example_index();
    // Tasks 区委依法治区办 of 道里区 leads or shares.
    let unit = site
        .units
        .iter()
        .position(|u| {
            u.name == "区委依法治区办"
                && site.jurisdictions[u.jurisdiction].name == "哈尔滨市道里区"
        })
        .expect("the unit exists");
    let mut expected = BTreeSet::new();
    for plan in &site.plans {
        for task in &plan.tasks {
            if task.all_units().contains(&unit) {
                expected.insert(format!("plans/{}/#{}", plan.slug, task.anchor()));
            }
        }
    }
    assert!(!expected.is_empty());
    let r = run(files, "区委依法治区办", &Filters::default());
    let found = task_paths(&r);
    assert!(
        expected.is_subset(&found),
        "missing: {:?}",
        expected.difference(&found).collect::<Vec<_>>()
    );
    // In 道里区, only the tasks that name the unit (下陆区 has one of the
    // same name).
    let daoli: BTreeSet<&String> = found.iter().filter(|p| p.contains("daoli")).collect();
    assert_eq!(
        daoli,
        expected.iter().collect(),
        "only the tasks that name it"
    );

    let filters = Filters {
        jurisdiction: Some("哈尔滨市道里区".into()),
        topic: None,
        unit: Some("区委依法治区办".into()),
    };
    let r = run(files, "法治", &filters);
    assert!(!r.hits.is_empty());
    assert!(task_paths(&r).is_subset(&expected));
}

#[test]
fn a_units_name_ranks_the_tasks_it_leads_then_those_it_shares() {
    let (site, files) = example_index();
    for name in ["区教育局", "团区委", "区司法局", "县委政法委"] {
        let mut led = BTreeSet::new();
        let mut listed = BTreeSet::new();
        for plan in &site.plans {
            for task in &plan.tasks {
                let path = format!("plans/{}/#{}", plan.slug, task.anchor());
                if task.lead().iter().any(|u| site.units[u].name == name) {
                    led.insert(path);
                } else if task.shared_units().any(|u| site.units[u].name == name) {
                    listed.insert(path);
                }
            }
        }
        assert!(
            !led.is_empty() && !listed.is_empty(),
            "{name}: {led:?} {listed:?}"
        );
        let r = run(files, name, &Filters::default());
        let paths: Vec<String> = r.hits.iter().map(|h| h.path.clone()).collect();
        let (n, m) = (led.len(), led.len() + listed.len());
        let first: BTreeSet<String> = paths[..n].iter().cloned().collect();
        assert_eq!(first, led, "{name}: the tasks it leads come first");
        let next: BTreeSet<String> = paths[n..m].iter().cloned().collect();
        assert_eq!(next, listed, "{name}: then those it shares");
    }
}

#[test]
fn traditional_characters_and_pinyin_find_what_the_words_find() {
    let (_, files) = example_index();
    let paths = |q: &str| -> Vec<String> {
        let r = run(files, q, &Filters::default());
        r.hits.iter().map(|h| h.path.clone()).collect()
    };
    let simplified = paths("宪法宣誓");
    assert!(!simplified.is_empty());
    assert_eq!(paths("憲法宣誓"), simplified);
    assert_eq!(paths("依法治國"), paths("依法治国"));
    assert_eq!(paths("xianfa"), paths("宪法"));
    assert_eq!(paths("XianFa"), paths("宪法"), "pinyin in any case");
    assert_eq!(paths("sfj"), paths("司法局"));
    assert_eq!(paths("sifaju"), paths("司法局"));
    // Pinyin is for the names of things, not every word of the text: 诉讼
    // is in tasks only.
    assert!(!paths("诉讼").is_empty());
    assert!(paths("susong").is_empty());
    // A query without Chinese characters does not download the folding
    // table, and the table is small.
    let fetch = |p: &str| files.get(p).cloned();
    let r = search(&fetch, "sfj", &Filters::default(), 10).unwrap();
    assert!(!r.fetched.contains_key("search/fold.json"));
    let r = search(&fetch, "憲法", &Filters::default(), 10).unwrap();
    let table = r.fetched["search/fold.json"];
    assert!(table < 8 * 1024, "fold.json is {table} bytes");
}

#[test]
fn a_topic_filter_keeps_the_topics_tasks() {
    let (site, files) = example_index();
    let all = run(files, "制度", &Filters::default());
    let topic = Filters {
        topic: Some("法治队伍".into()),
        ..Filters::default()
    };
    let some = run(files, "制度", &topic);
    assert!(!some.hits.is_empty() && some.hits.len() < all.hits.len());
    let t = site
        .topics
        .iter()
        .position(|t| t.name == "法治队伍")
        .unwrap();
    for h in some.hits.iter().filter(|h| h.kind == "task") {
        let plan = site
            .plans
            .iter()
            .find(|p| h.path.starts_with(&format!("plans/{}/", p.slug)))
            .unwrap();
        let task = plan
            .tasks
            .iter()
            .find(|x| h.path.ends_with(&format!("#{}", x.anchor())))
            .unwrap();
        assert!(task.topics().contains(t), "{}", h.path);
    }
}

#[test]
fn a_query_downloads_little() {
    let (_, files) = example_index();
    let fetch = |p: &str| files.get(p).cloned();
    let r = search(&fetch, "公职律师", &Filters::default(), 10).unwrap();
    let count = |dir: &str, map: &mut dyn Iterator<Item = &String>| {
        map.filter(|p| p.starts_with(&format!("search/{dir}/")))
            .count()
    };
    // Two dictionary shards (公…, 律…), the packs with their postings, and
    // the fragments of the first ten results.
    let shards = count("d", &mut r.fetched.keys());
    assert!(
        shards <= 2 && shards * 3 < count("d", &mut files.keys()),
        "{:?}",
        r.fetched
    );
    assert!(count("p", &mut r.fetched.keys()) <= 2, "{:?}", r.fetched);
    assert!(count("f", &mut r.fetched.keys()) <= 10, "{:?}", r.fetched);
    assert!(!r.fetched.keys().any(|p| p.starts_with("search/u/")));
}

#[test]
fn the_index_is_identical_whatever_the_thread_count() {
    // The other side is the shared index, made with as many threads as
    // there are cores.
    let (site, shared) = example_index();
    let with = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| planpress::search::build(site))
    };
    let one = with(1);
    let four = with(4);
    assert_eq!(one.len(), four.len());
    for (a, b) in one.iter().zip(&four) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between thread counts", a.0);
    }
    assert_eq!(*shared, one.into_iter().collect::<BTreeMap<_, _>>());
}

#[test]
fn index_files_are_told_apart_from_the_page() {
    use planpress::search::is_index_file;
    assert!(is_index_file("search/meta.json"));
    assert!(is_index_file("search/p/0.bin"));
    assert!(!is_index_file("search/index.html"));
    assert!(!is_index_file("search/"));
    assert!(!is_index_file("plans/x/index.html"));
}

/// Times the index of a generated site (`bench/gen_corpus.py`):
/// `PP_SEARCH_BENCH=/tmp/planpress-bench/1000 cargo test --release --test search -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_index() {
    let Some(root) = std::env::var_os("PP_SEARCH_BENCH") else {
        return;
    };
    let (site, _) = planpress::build::load(std::path::Path::new(&root), None).unwrap();
    planpress::search::segment::warm_up();
    // CPU time of the whole process (all threads), from /proc: wall time
    // on a shared machine says more about the neighbours.
    let cpu = || {
        let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let f: Vec<&str> = s
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
        ticks(11) + ticks(12)
    };
    let mut files = Vec::new();
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let c = cpu();
        files = planpress::search::build(&site);
        let bytes: usize = files.iter().map(|f| f.1.len()).sum();
        eprintln!(
            "{} files, {bytes} bytes in {:?} wall, {} ms CPU",
            files.len(),
            t.elapsed(),
            (cpu() - c) * 10
        );
    }
    let mut by_dir: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (path, bytes) in &files {
        let dir = path
            .split('/')
            .nth(1)
            .filter(|_| path.matches('/').count() > 1);
        let e = by_dir.entry(dir.unwrap_or("meta.json")).or_default();
        e.0 += 1;
        e.1 += bytes.len();
    }
    eprintln!("by folder (files, bytes): {by_dir:?}");
    let largest = |dir: &str| {
        let sizes = files.iter().filter(|f| f.0.starts_with(dir));
        sizes.map(|f| f.1.len()).max().unwrap_or(0)
    };
    eprintln!(
        "largest dictionary shard {} bytes; fold.json {} bytes",
        largest("search/d/"),
        largest("search/fold.json")
    );
    let files: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    let fetch = |p: &str| files.get(p).cloned();
    for q in [
        "公职律师",
        "宪法宣誓",
        "法律顾问",
        "区司法局",
        "法治",
        "法治 建设",
        "依法行政 考核",
        "憲法宣誓",
        "xianfa",
        "sfj",
    ] {
        for limit in [1, 10] {
            let r = search(&fetch, q, &Filters::default(), limit).unwrap();
            let bytes: usize = r.fetched.values().sum();
            let kinds = |d: &str| {
                r.fetched
                    .iter()
                    .filter(|(p, _)| p.starts_with(&format!("search/{d}/")))
                    .map(|(_, b)| *b)
                    .sum::<usize>()
            };
            eprintln!(
                "{q}: {} results; first {limit}: {} files, {bytes} bytes (dictionary {}, postings {}, fragments {})",
                r.hits.len(),
                r.fetched.len(),
                kinds("d"),
                kinds("p"),
                kinds("f"),
            );
        }
    }
}

/// A site of three plans of `tasks` tasks each (a few fragment files each).
fn three_plans(root: &std::path::Path, tasks: [usize; 3]) {
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site.yaml"), "title: 测试\n").unwrap();
    let units = "- jurisdiction: 测试市测试区\n  units:\n    - name: 区司法局\n";
    std::fs::write(root.join("content/units.yaml"), units).unwrap();
    for (name, n) in ["a", "b", "c"].into_iter().zip(tasks) {
        let mut plan = format!(
            "---\ntitle: 方案{name}\nkind: 方案\njurisdiction: 测试市测试区\n---\n\n完善{name}制度。\n\n"
        );
        for t in 1..=n {
            plan.push_str(&format!(
                "{t}.推进第{t}项{name}工作。牵头单位:区司法局。\n\n"
            ));
        }
        std::fs::write(root.join(format!("content/{name}.md")), plan).unwrap();
    }
}

/// The search index's files (and its keys for the next build) in `out`,
/// with each one's inode.
fn search_files(out: &std::path::Path) -> BTreeMap<String, (Vec<u8>, u64)> {
    use std::os::unix::fs::MetadataExt;
    common::snapshot(out)
        .into_iter()
        .filter_map(|(path, bytes)| {
            let path = path.to_string_lossy().into_owned();
            let ours = path.starts_with("search/") || path == planpress::search::STATE;
            let inode = std::fs::metadata(out.join(&path)).unwrap().ino();
            ours.then_some((path, (bytes, inode)))
        })
        .collect()
}

#[test]
fn an_incremental_build_links_unchanged_fragments_and_equals_a_clean_one() {
    let site = common::tempdir();
    let outs = common::tempdir();
    let (root, inc) = (site.path(), outs.path().join("inc"));
    three_plans(root, [40, 40, 40]);
    let build = || {
        let opts = planpress::build::BuildOptions {
            root: root.to_path_buf(),
            out: inc.clone(),
            base_url: None,
            wait: planpress::output::Wait::No,
            publish: Default::default(),
            full: false,
        };
        planpress::build::build(&opts, &|_, _| {}).unwrap();
        search_files(&inc)
    };
    // What a clean build writes: the index of the site as it is now.
    let clean_index = || {
        let model = planpress::content::load_site(root).site.unwrap();
        let clean = index(&model);
        move |built: &BTreeMap<String, (Vec<u8>, u64)>| {
            let paths: Vec<&String> = built
                .keys()
                .filter(|p| planpress::search::is_index_file(p))
                .collect();
            let clean_paths: Vec<&String> = clean.keys().collect();
            assert_eq!(paths, clean_paths);
            for (path, bytes) in &clean {
                assert!(
                    bytes == &built[path].0,
                    "{path} differs from a clean build's"
                );
            }
        }
    };
    let before = build();
    assert!(before.contains_key(planpress::search::STATE));
    // The last plan's text changes: the files of the first two are linked.
    three_plans(root, [40, 40, 41]);
    let edited = build();
    clean_index()(&edited);
    let inode = |m: &BTreeMap<String, (Vec<u8>, u64)>, p: &str| m[p].1;
    assert_eq!(
        inode(&edited, "search/f/0.json"),
        inode(&before, "search/f/0.json")
    );
    assert_ne!(
        inode(&edited, "search/f/3.json"),
        inode(&before, "search/f/3.json")
    );
    // The first plan gains a task: every later document's number moves.
    three_plans(root, [41, 40, 41]);
    let shifted = build();
    clean_index()(&shifted);
    assert_ne!(shifted["search/f/2.json"].0, edited["search/f/2.json"].0);
}
