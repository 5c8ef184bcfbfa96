use planpress::config::SiteConfig;
use planpress::content::{self, assemble::assemble, load_file, units::Registry};
use planpress::index::Index;
use planpress::render::pages::{Page, Renderer, Views};
use planpress::render::theme::Theme;
use std::path::{Path, PathBuf};
use std::time::Instant;
fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap());
    let config = SiteConfig::load(&root).unwrap();
    let reg = Registry::load(&root, &root.join("content/units.yaml")).unwrap();
    let mut files = vec![];
    for e in walkdir::WalkDir::new(root.join("content")).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file()
            && e.path()
                .extension()
                .is_some_and(|x| x == "md" || x == "yaml")
            && e.file_name() != "units.yaml"
        {
            files.push(e.path().strip_prefix(&root).unwrap().to_path_buf());
        }
    }
    let t = Instant::now();
    let loaded: Vec<content::Loaded> = files.iter().map(|f| load_file(&root, f, &reg)).collect();
    println!("parse all {:?}", t.elapsed());
    let t = Instant::now();
    let _one = load_file(&root, &files[10], &reg);
    println!("parse one {:?}", t.elapsed());
    for _ in 0..3 {
        let t = Instant::now();
        let mut plans = vec![];
        let mut notices = vec![];
        for l in &loaded {
            plans.extend(l.plans.iter().cloned());
            notices.extend(l.notices.iter().cloned());
        }
        println!("clone {:?}", t.elapsed());
        let t = Instant::now();
        let a = assemble(config.clone(), plans, notices, &reg);
        println!("assemble {:?}", t.elapsed());
        let site = a.site;
        let t = Instant::now();
        let index = Index::build(&site);
        println!("index {:?}", t.elapsed());
        let t = Instant::now();
        let views = Views::build(&site, &index);
        println!("views {:?}", t.elapsed());
        let theme = Theme::load(&root, &site.config).unwrap();
        let r = Renderer::new(&site, &index, &views, &theme);
        let t = Instant::now();
        let b = r.render_page(Page::Plan(10), false).unwrap();
        println!("plan page {:?} {}", t.elapsed(), b.len());
        let t = Instant::now();
        let b = r.render_page(Page::Unit(10), false).unwrap();
        println!("unit page {:?} {}", t.elapsed(), b.len());
        let t = Instant::now();
        let b = r.render_page(Page::Home, false).unwrap();
        println!("home page {:?} {}", t.elapsed(), b.len());
        let t = Instant::now();
        let b = r.render_page(Page::Topic(0), false).unwrap();
        println!("topic page {:?} {}", t.elapsed(), b.len());
        drop(Path::new("x"));
    }
}
