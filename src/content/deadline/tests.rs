use super::*;
use crate::model::DeadlineKind;

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn one(text: &str) -> Deadline {
    let all = parse_deadlines(text);
    assert_eq!(all.len(), 1, "{text}: {all:?}");
    all.into_iter().next().unwrap()
}

fn by(text: &str, words: &str, date: Option<NaiveDate>) {
    let d = one(text);
    assert_eq!(d.text, words, "{text}");
    assert_eq!(d.when, When::By { due: date }, "{text}");
    assert_eq!(d.kind(), DeadlineKind::By, "{text}");
    assert_eq!((d.due(), d.first_day()), (date, None), "{text}");
}

#[test]
fn month_end_limits() {
    by(
        "2015年6月底前,完成清理。",
        "2015年6月底前",
        ymd(2015, 6, 30),
    );
    by("2015年1月底前", "2015年1月底前", ymd(2015, 1, 31));
    by("2015年6月前完成", "2015年6月前", ymd(2015, 6, 30));
    by("2015年6月末前", "2015年6月末前", ymd(2015, 6, 30));
    by("2015年6月", "2015年6月", ymd(2015, 6, 30));
    by("2015年12月底前", "2015年12月底前", ymd(2015, 12, 31));
}

#[test]
fn february_and_leap_years() {
    by("2016年2月底前", "2016年2月底前", ymd(2016, 2, 29));
    by("2015年2月底前", "2015年2月底前", ymd(2015, 2, 28));
    by("2000年2月底前", "2000年2月底前", ymd(2000, 2, 29));
    by("2100年2月底前", "2100年2月底前", ymd(2100, 2, 28));
}

#[test]
fn year_end_limits() {
    by("2015年底前完成", "2015年底前", ymd(2015, 12, 31));
    by("2015年年底前完成", "2015年年底前", ymd(2015, 12, 31));
    by("2015年末", "2015年末", ymd(2015, 12, 31));
    by("2024年前建成", "2024年前", ymd(2024, 12, 31));
    by("2015年之前", "2015年之前", ymd(2015, 12, 31));
    by("2022年实现全覆盖", "2022年", ymd(2022, 12, 31));
    by("2015年度", "2015年度", ymd(2015, 12, 31));
}

#[test]
fn days() {
    by("2015年6月30日前", "2015年6月30日前", ymd(2015, 6, 30));
    by("2015年6月1日", "2015年6月1日", ymd(2015, 6, 1));
    by("2016年2月29日前", "2016年2月29日前", ymd(2016, 2, 29));
    by("2015年3月5号前", "2015年3月5号前", ymd(2015, 3, 5));
}

#[test]
fn halves_quarters_and_parts_of_months() {
    by("2015年上半年完成", "2015年上半年", ymd(2015, 6, 30));
    by("2015年下半年", "2015年下半年", ymd(2015, 12, 31));
    by("2015年第一季度", "2015年第一季度", ymd(2015, 3, 31));
    by("2015年三季度末前", "2015年三季度末前", ymd(2015, 9, 30));
    by("2015年第4季度", "2015年第4季度", ymd(2015, 12, 31));
    by("2015年6月上旬", "2015年6月上旬", ymd(2015, 6, 10));
    by("2015年6月中旬前", "2015年6月中旬前", ymd(2015, 6, 20));
    by("2015年6月下旬", "2015年6月下旬", ymd(2015, 6, 30));
}

#[test]
fn to_a_year() {
    by(
        "到2020年,法律法规得到切实遵行",
        "到2020年",
        ymd(2020, 12, 31),
    );
    by("至2020年", "至2020年", ymd(2020, 12, 31));
    by("到2020年底", "到2020年底", ymd(2020, 12, 31));
    by("截至2016年6月底", "截至2016年6月底", ymd(2016, 6, 30));
}

#[test]
fn from_a_year_starts_on_its_first_day_and_is_due_never() {
    // 株洲县 task 1: a start, not a due date of 2015-12-31.
    let d = one("实行宪法宣誓制度,从2015年起,凡经县人大选举");
    assert_eq!(d.text, "从2015年起");
    assert_eq!(
        d.when,
        When::From {
            start: ymd(2015, 1, 1)
        }
    );
    assert_eq!(d.kind(), DeadlineKind::From);
    assert_eq!((d.due(), d.last_day()), (None, None));
    assert_eq!(d.first_day(), ymd(2015, 1, 1));

    for (text, words, start) in [
        ("自2015年起", "自2015年起", ymd(2015, 1, 1)),
        ("自2015年6月1日起施行", "自2015年6月1日起", ymd(2015, 6, 1)),
        ("2016年开始", "2016年开始", ymd(2016, 1, 1)),
        ("2015年下半年起", "2015年下半年起", ymd(2015, 7, 1)),
        ("2015年以来", "2015年以来", ymd(2015, 1, 1)),
    ] {
        let d = one(text);
        assert_eq!(d.text, words);
        assert_eq!(d.when, When::From { start }, "{text}");
    }
    let d = one("2015年至今");
    assert_eq!(d.text, "2015年至今");
    assert_eq!(d.kind(), DeadlineKind::From);
}

#[test]
fn a_year_before_and_to_a_year_are_due_at_its_end() {
    // `X年前` and `到X年`: done by the last day of year X.
    for text in ["2024年前", "到2024年", "2024年底前", "至2024年"] {
        let d = one(text);
        assert_eq!(d.due(), ymd(2024, 12, 31), "{text}");
        assert_eq!(d.first_day(), None, "{text}");
    }
}

fn span(text: &str, words: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) {
    let d = one(text);
    assert_eq!(d.text, words, "{text}");
    assert_eq!(d.when, When::Span { start, end }, "{text}");
    assert_eq!(d.kind(), DeadlineKind::Span, "{text}");
    // A span is no due date, and its ends are its first and last days.
    assert_eq!(d.due(), None, "{text}");
    assert_eq!((d.first_day(), d.last_day()), (start, end), "{text}");
}

#[test]
fn spans() {
    let (s, e) = (ymd(2021, 1, 1), ymd(2022, 12, 31));
    span("2021年-2022年", "2021年-2022年", s, e);
    span("全面推进阶段(2021-2022年)", "2021-2022年", s, e);
    span("2021年—2022年", "2021年—2022年", s, e);
    span("2021—2022年", "2021—2022年", s, e);
    span("2021年——2022年", "2021年——2022年", s, e);
    span("2021年至2022年", "2021年至2022年", s, e);
    span("从2021年到2022年", "从2021年到2022年", s, e);
    span("2021年－2022年", "2021年－2022年", s, e);
    span("2021-2022", "2021-2022", s, e);
    span(
        "2015年6月至12月",
        "2015年6月至12月",
        ymd(2015, 6, 1),
        ymd(2015, 12, 31),
    );
    span(
        "2015年3月1日-2015年6月30日",
        "2015年3月1日-2015年6月30日",
        ymd(2015, 3, 1),
        ymd(2015, 6, 30),
    );
    span(
        "2021年下半年-2022年上半年",
        "2021年下半年-2022年上半年",
        ymd(2021, 7, 1),
        ymd(2022, 6, 30),
    );
}

#[test]
fn several_in_order() {
    let all = parse_deadlines("2015年6月底前,完成清理;2016年底前,全面建成。到2020年,形成体系。");
    let words: Vec<&str> = all.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(words, ["2015年6月底前", "2016年底前", "到2020年"]);
}

#[test]
fn full_width_digits_and_stray_spaces() {
    by("２０１５年６月底前", "２０１５年６月底前", ymd(2015, 6, 30));
    by("2015 年 6 月底前", "2015 年 6 月底前", ymd(2015, 6, 30));
}

#[test]
fn impossible_dates_are_kept_without_a_date() {
    by("2015年13月底前", "2015年13月底前", None);
    by("2015年2月30日前", "2015年2月30日前", None);
    by("2015年0月", "2015年0月", None);
}

#[test]
fn no_deadline() {
    for text in [
        "",
        "长期坚持",
        "持续推进",
        "每名执法人员每年接受不少于60学时的培训",
        "建立12345政务服务便民热线",
        "国令第713号",
        "三年内完成",
        "12015年",
        "20151年",
        "(2021-2020)",
        "0714-64212345",
        "年底前",
    ] {
        assert_eq!(parse_deadlines(text), [], "{text}");
    }
}

#[test]
fn never_panics() {
    for text in [
        "2015年",
        "从",
        "2015-",
        "2015年-",
        "2015年6月至",
        "9999年99月99日前",
        "0000年2月29日",
        "2015年\u{a0}\u{3000}6月",
        "年年年年2015年年年",
        "２０１５年１３月",
        "2015年第五季度",
        "2015年99季度",
        "(((2015年)))",
        "🎉2015年🎉",
        "2015年6月底前2016年",
    ] {
        let _ = parse_deadlines(text);
    }
    let long = "2015年-".repeat(2000);
    assert!(!parse_deadlines(&long).is_empty());
    let digits = "1".repeat(10_000);
    assert!(parse_deadlines(&digits).is_empty());
}
