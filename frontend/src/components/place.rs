//! A place in a profile form: a comune of the metropolitan area from the list, or, outside
//! the area, a city and its country chosen by name (in the interface's language) from a list
//! the browser completes; the server takes the name in either language, or the code.

use super::fields::{ComuneSelect, Labelled, TextInput, field_id};
use crate::api::ApiErrors;
use crate::i18n::{Lang, T};
use crate::session::use_session;
use crocevia_api::{PlaceInput, PlaceView};
use crocevia_domain::place::countries::{countries, normalise};
use leptos::prelude::*;

/// The API field names of one place: `residence.comune`, `residence.city`, `residence.country`.
#[derive(Clone, Copy, Debug)]
pub struct PlaceFieldNames {
    pub comune: &'static str,
    pub city: &'static str,
    pub country: &'static str,
}

/// What the form holds for a place: the comune chosen, or the city and the country typed.
#[derive(Clone, Copy, Debug)]
pub struct PlaceValue {
    pub comune: RwSignal<String>,
    pub city: RwSignal<String>,
    pub country: RwSignal<String>,
}

impl PlaceValue {
    pub fn new() -> Self {
        Self {
            comune: RwSignal::new(String::new()),
            city: RwSignal::new(String::new()),
            country: RwSignal::new(String::new()),
        }
    }

    /// Shows a place as read: the comune, or the city and the country's name in `lang`.
    pub fn load(self, place: Option<PlaceView>, lang: Lang) {
        let Some(p) = place else { return };
        match p.comune {
            Some(comune) => self.comune.set(comune),
            None => {
                self.city.set(p.city);
                self.country.set(lang.pick(&p.country_name_it, &p.country_name_en).to_owned());
            }
        }
    }

    /// The input to send; the comune wins, the city and country are sent as typed.
    pub fn input(self) -> Option<PlaceInput> {
        let text = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty());
        match (text(self.comune), text(self.city), text(self.country)) {
            (None, None, None) => None,
            (Some(comune), _, _) => Some(PlaceInput { comune: Some(comune), city: None, country: None }),
            (None, city, country) => Some(PlaceInput { comune: None, city, country }),
        }
    }
}

impl Default for PlaceValue {
    fn default() -> Self {
        Self::new()
    }
}

/// Country names in `lang`, in alphabetical order, for the browser's completion list.
pub fn country_names(lang: Lang) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = countries().iter().map(|c| lang.pick(c.it, c.en)).collect();
    names.sort_by_key(|n| normalise(n));
    names
}

/// The comune list, then (when no comune is chosen) the city and the country with their errors.
#[component]
pub fn PlaceFields(
    form: &'static str,
    names: PlaceFieldNames,
    label: T,
    value: PlaceValue,
    errors: RwSignal<ApiErrors>,
) -> impl IntoView {
    let session = use_session();
    let elsewhere = move || value.comune.get().is_empty();
    let list_id = field_id(form, &format!("{}-list", names.country));
    let list = list_id.clone();
    view! {
        <fieldset class="place">
            <Labelled form=form field=names.comune label=label errors=errors>
                <ComuneSelect id=field_id(form, names.comune) value=value.comune none_label=T::NotInArea />
            </Labelled>
            <Show when=elsewhere>
                <TextInput form=form field=names.city label=T::City value=value.city errors=errors />
                <TextInput
                    form=form
                    field=names.country
                    label=T::Country
                    value=value.country
                    errors=errors
                    hint=T::CountryHint
                    list=list.clone()
                />
            </Show>
            <datalist id=list_id>
                {move || {
                    country_names(session.lang.get())
                        .into_iter()
                        .map(|n| view! { <option value=n></option> })
                        .collect_view()
                }}
            </datalist>
        </fieldset>
    }
}
