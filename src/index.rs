//! Cross-reference indexes: which tasks each unit leads or shares, which tasks
//! each topic gathers, which plans and units each jurisdiction has. They hold
//! [`TaskRef`]s into the model, never copies of tasks.

use crate::config::Paging;
use crate::model::{NoticeId, PlanId, Site, TaskRef, UnitId, UnitKind};

/// A unit's tasks, in document order.
#[derive(Debug, Default, Clone)]
pub struct UnitTasks {
    /// Tasks the unit leads (牵头).
    pub led: Vec<TaskRef>,
    /// Tasks the unit shares without leading (责任/参与).
    pub shared: Vec<TaskRef>,
}

impl UnitTasks {
    pub fn total(&self) -> usize {
        self.led.len() + self.shared.len()
    }

    /// Page `n` (from 1) of the unit's tasks in order, as `paging` splits
    /// them: merged page by page, not kept whole.
    pub fn page(&self, paging: Paging, n: usize) -> impl Iterator<Item = (TaskRef, bool)> + '_ {
        let range = paging.range(n, self.total());
        self.in_order().skip(range.start).take(range.len())
    }

    /// The unit's tasks in document order, each with whether the unit leads
    /// it: its two lists (each in document order) merged as they are read.
    pub fn in_order(&self) -> impl Iterator<Item = (TaskRef, bool)> + '_ {
        let mut led = self.led.iter().copied().peekable();
        let mut shared = self.shared.iter().copied().peekable();
        std::iter::from_fn(move || match (led.peek(), shared.peek()) {
            (Some(a), Some(b)) if b < a => shared.next().map(|b| (b, false)),
            (Some(_), _) => led.next().map(|a| (a, true)),
            (None, _) => shared.next().map(|b| (b, false)),
        })
    }
}

/// What a jurisdiction holds.
#[derive(Debug, Default, Clone)]
pub struct JurisdictionIndex {
    pub plans: Vec<PlanId>,
    pub notices: Vec<NoticeId>,
    /// Departments, then groups; each sorted by name.
    pub departments: Vec<UnitId>,
    pub groups: Vec<UnitId>,
    pub task_count: usize,
}

/// Every cross-reference the pages need.
#[derive(Debug, Default)]
pub struct Index {
    /// By unit id.
    pub units: Vec<UnitTasks>,
    /// By topic id: tasks in document order.
    pub topics: Vec<Vec<TaskRef>>,
    /// By jurisdiction id.
    pub jurisdictions: Vec<JurisdictionIndex>,
    /// Plans newest first (by date published, then signed), then by slug.
    pub plans_by_date: Vec<PlanId>,
}

impl Index {
    pub fn build(site: &Site) -> Index {
        let (mut units, mut topics) = lists_of_their_size(site);
        let mut jurisdictions = vec![JurisdictionIndex::default(); site.jurisdictions.len()];
        for (p, plan) in site.plans.iter().enumerate() {
            jurisdictions[plan.jurisdiction].plans.push(p);
            jurisdictions[plan.jurisdiction].task_count += plan.tasks.len();
            for (t, task) in plan.tasks.iter().enumerate() {
                let r = TaskRef::new(p, t);
                for u in task.lead() {
                    units[u].led.push(r);
                }
                for u in task.shared_units() {
                    units[u].shared.push(r);
                }
                for topic in task.topics() {
                    topics[topic].push(r);
                }
            }
        }
        for (n, notice) in site.notices.iter().enumerate() {
            jurisdictions[notice.jurisdiction].notices.push(n);
        }
        let mut by_name: Vec<UnitId> = (0..site.units.len()).collect();
        by_name.sort_by(|&a, &b| site.units[a].name.cmp(&site.units[b].name).then(a.cmp(&b)));
        for u in by_name {
            let unit = &site.units[u];
            let j = &mut jurisdictions[unit.jurisdiction];
            match unit.kind {
                UnitKind::Department => j.departments.push(u),
                UnitKind::Group => j.groups.push(u),
            }
        }
        let mut plans_by_date: Vec<PlanId> = (0..site.plans.len()).collect();
        plans_by_date.sort_by(|&a, &b| {
            let (pa, pb) = (&site.plans[a], &site.plans[b]);
            let da = pa.meta.date_published.or(pa.meta.date_signed);
            let db = pb.meta.date_published.or(pb.meta.date_signed);
            db.cmp(&da).then_with(|| pa.slug.cmp(&pb.slug))
        });
        Index {
            units,
            topics,
            jurisdictions,
            plans_by_date,
        }
    }
}

/// Empty task lists for every unit and topic, each with room for exactly
/// its tasks: a big site's lists hold millions of references for the whole
/// build, and growing them by doubling left a third of that unused.
fn lists_of_their_size(site: &Site) -> (Vec<UnitTasks>, Vec<Vec<TaskRef>>) {
    let mut led = vec![0usize; site.units.len()];
    let mut shared = vec![0usize; site.units.len()];
    let mut topics = vec![0usize; site.topics.len()];
    for task in site.plans.iter().flat_map(|p| &p.tasks) {
        for u in task.lead() {
            led[u] += 1;
        }
        for u in task.shared_units() {
            shared[u] += 1;
        }
        for t in task.topics().iter() {
            topics[t] += 1;
        }
    }
    let units = led
        .into_iter()
        .zip(shared)
        .map(|(l, s)| UnitTasks {
            led: Vec::with_capacity(l),
            shared: Vec::with_capacity(s),
        })
        .collect();
    let topics = topics.into_iter().map(Vec::with_capacity).collect();
    (units, topics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_units_tasks_in_order_merge_both_roles() {
        let refs = |v: &[(usize, usize)]| -> Vec<TaskRef> {
            v.iter().map(|&(p, t)| TaskRef::new(p, t)).collect()
        };
        let tasks = UnitTasks {
            led: refs(&[(0, 1), (0, 4), (2, 0), (2, 7), (5, 3)]),
            shared: refs(&[(0, 2), (1, 0), (2, 5), (6, 1)]),
        };
        let mut want: Vec<(TaskRef, bool)> = tasks
            .led
            .iter()
            .map(|&r| (r, true))
            .chain(tasks.shared.iter().map(|&r| (r, false)))
            .collect();
        want.sort_unstable();
        assert_eq!(tasks.in_order().collect::<Vec<_>>(), want);
        let only_led = UnitTasks {
            led: tasks.led.clone(),
            shared: Vec::new(),
        };
        assert!(
            only_led
                .in_order()
                .map(|(r, _)| r)
                .eq(tasks.led.iter().copied())
        );
    }
}
