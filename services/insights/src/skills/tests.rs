use super::*;
use proptest::prelude::*;

fn members(keys: &[&[&str]]) -> Vec<Vec<String>> {
    keys.iter().map(|k| k.iter().map(|s| (*s).to_owned()).collect()).collect()
}

fn shape(rows: &[PairRow]) -> Vec<(&str, usize, usize)> {
    rows.iter().map(|r| (r.key.as_str(), r.demand.len(), r.supply.len())).collect()
}

#[test]
fn a_skill_is_published_only_when_both_sides_hold_k() {
    // python: 6 offers, 7 talents; sql: 6 offers but 2 talents; rust: 1 offer, 6 talents.
    let mut demand = vec![&["python"][..]; 6];
    demand.extend(vec![&["sql"][..]; 6]);
    demand.push(&["rust"]);
    let mut supply = vec![&["python"][..]; 7];
    supply.extend(vec![&["sql"][..]; 2]);
    supply.extend(vec![&["rust"][..]; 6]);
    let rows = pairs(&members(&demand), &members(&supply), 5).unwrap();
    // sql and rust merge: other = 7 offers, 8 talents.
    assert_eq!(shape(&rows), vec![("python", 6, 7), ("other", 7, 8)]);
}

#[test]
fn an_other_row_short_on_one_side_takes_the_smallest_skill_with_it() {
    // "sql" alone in other would be 6 offers but 1 talent: recoverable by subtraction.
    let mut demand = vec![&["python"][..]; 9];
    demand.extend(vec![&["cpp"][..]; 5]);
    demand.extend(vec![&["sql"][..]; 6]);
    let mut supply = vec![&["python"][..]; 9];
    supply.extend(vec![&["cpp"][..]; 6]);
    supply.push(&["sql"]);
    let rows = pairs(&members(&demand), &members(&supply), 5).unwrap();
    assert_eq!(shape(&rows), vec![("python", 9, 9), ("other", 11, 7)]);
}

#[test]
fn either_population_below_k_publishes_nothing() {
    let demand = members(&[&["python"][..]; 9]);
    let few = members(&[&["python"][..]; 4]);
    assert_eq!(pairs(&demand, &few, 5), None);
    assert_eq!(pairs(&few, &demand, 5), None);
}

#[test]
fn skills_read_as_labels_in_both_languages() {
    assert_eq!(skill_label("machine-learning")[1], "Machine learning");
    assert_eq!(skill_label("data-analysis")[0], "Analisi dei dati");
    assert_eq!(skill_label("no-such-skill"), ["no such skill".to_owned(), "no such skill".to_owned()]);
    assert_eq!(
        split_label(Dimension::Comune, "settimo-torinese/python"),
        ["Settimo Torinese – Python".to_owned(), "Settimo Torinese – Python".to_owned()]
    );
}

proptest! {
    #[test]
    fn every_row_holds_k_on_both_sides_and_everyone_is_counted(
        demand in proptest::collection::vec(proptest::collection::btree_set(0u8..8, 1..4), 0..60),
        supply in proptest::collection::vec(proptest::collection::btree_set(0u8..8, 1..4), 0..60),
        k in 1usize..7,
    ) {
        let keyed = |sets: &[BTreeSet<u8>]| -> Vec<Vec<String>> {
            sets.iter().map(|s| s.iter().map(|k| format!("s{k}")).collect()).collect()
        };
        let (d, s) = (keyed(&demand), keyed(&supply));
        match pairs(&d, &s, k) {
            None => prop_assert!(d.len() < k || s.len() < k),
            Some(rows) => {
                prop_assert!(rows.iter().all(|r| r.demand.len() >= k && r.supply.len() >= k));
                let seen = |side: fn(&PairRow) -> &Vec<usize>| -> usize {
                    rows.iter().flat_map(|r| side(r).iter().copied()).collect::<BTreeSet<usize>>().len()
                };
                prop_assert_eq!(seen(|r| &r.demand), d.len());
                prop_assert_eq!(seen(|r| &r.supply), s.len());
                // A named row counts exactly the members with its key.
                for row in rows.iter().filter(|r| r.key != OTHER) {
                    prop_assert_eq!(row.demand.len(), d.iter().filter(|m| m.contains(&row.key)).count());
                    prop_assert_eq!(row.supply.len(), s.iter().filter(|m| m.contains(&row.key)).count());
                }
            }
        }
    }

    /// With one key per member (a comune), the rows add up to the population on both sides:
    /// subtracting published rows from the total leaves `other`, never a smaller group.
    #[test]
    fn single_valued_rows_add_up(
        demand in proptest::collection::vec(0u8..6, 0..50),
        supply in proptest::collection::vec(0u8..6, 0..50),
    ) {
        let keyed = |v: &[u8]| -> Vec<Vec<String>> { v.iter().map(|k| vec![format!("c{k}")]).collect() };
        if let Some(rows) = pairs(&keyed(&demand), &keyed(&supply), 5) {
            prop_assert_eq!(rows.iter().map(|r| r.demand.len()).sum::<usize>(), demand.len());
            prop_assert_eq!(rows.iter().map(|r| r.supply.len()).sum::<usize>(), supply.len());
        }
    }
}
