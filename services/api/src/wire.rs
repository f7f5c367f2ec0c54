//! The wire form shared by the GraphQL schema and the web app: ids, dates, and enums spelled
//! as GraphQL spells them (`PHD_POSITION`, `SERIES_A`, `B2`, `NATIVE`).

use chrono::{NaiveDate, Utc};
use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An entity's id: GraphQL's `ID` in the gateway, a plain string in the web app.
#[cfg(feature = "graphql")]
pub type Id = async_graphql::ID;
/// An entity's id: GraphQL's `ID` in the gateway, a plain string in the web app.
#[cfg(not(feature = "graphql"))]
pub type Id = String;

/// The id of anything that prints as one (a uuid, a newtype id).
pub fn id(value: impl std::fmt::Display) -> Id {
    Id::from(value.to_string())
}

/// A calendar day, `YYYY-MM-DD` (ISO 8601), the `Date` scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

/// An instant, RFC 3339 in UTC, the `DateTime` scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateTime(pub chrono::DateTime<Utc>);

#[cfg(feature = "graphql")]
mod scalars {
    use super::{Date, DateTime};
    use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

    /// A calendar day as `YYYY-MM-DD` (ISO 8601), e.g. `2027-01-31`.
    #[Scalar(name = "Date", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6")]
    impl ScalarType for Date {
        fn parse(value: Value) -> InputValueResult<Self> {
            match &value {
                Value::String(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(Date)
                    .map_err(|_| InputValueError::custom(format!("{s:?} is not a date as YYYY-MM-DD"))),
                _ => Err(InputValueError::expected_type(value)),
            }
        }

        fn to_value(&self) -> Value {
            Value::String(self.0.format("%Y-%m-%d").to_string())
        }
    }

    /// An instant as RFC 3339, e.g. `2027-01-31T09:30:00Z`.
    #[Scalar(name = "DateTime", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339")]
    impl ScalarType for DateTime {
        fn parse(value: Value) -> InputValueResult<Self> {
            match &value {
                Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                    .map(|t| DateTime(t.with_timezone(&chrono::Utc)))
                    .map_err(|_| InputValueError::custom(format!("{s:?} is not an RFC 3339 date-time"))),
                _ => Err(InputValueError::expected_type(value)),
            }
        }

        fn to_value(&self) -> Value {
            Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }
    }
}

/// The GraphQL name of a domain enum value: its storage key upper-cased (`phd_position` ->
/// `PHD_POSITION`), which is how the schema's derived enums spell it.
pub fn enum_name<T: Serialize>(value: &T) -> Result<String, String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(key)) => Ok(key.to_uppercase()),
        Ok(other) => Err(format!("{other} is not an enum value")),
        Err(e) => Err(e.to_string()),
    }
}

/// A domain enum value from its GraphQL name (or its storage key).
pub fn parse_enum<T: DeserializeOwned>(name: &str) -> Result<T, String> {
    let as_is = serde_json::from_value(serde_json::Value::String(name.to_owned()));
    as_is
        .or_else(|_| serde_json::from_value(serde_json::Value::String(name.to_lowercase())))
        .map_err(|_| format!("{name:?} is not one of the allowed values"))
}

/// `#[serde(with = "wire::enumeration")]`: one enum in its GraphQL spelling.
pub mod enumeration {
    use super::*;

    pub fn serialize<T: Serialize, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&enum_name(value).map_err(S::Error::custom)?)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        parse_enum(&String::deserialize(d)?).map_err(D::Error::custom)
    }
}

/// `#[serde(with = "wire::enumerations")]`: a list of enums in their GraphQL spelling.
pub mod enumerations {
    use super::*;

    pub fn serialize<T: Serialize, S: Serializer>(values: &[T], s: S) -> Result<S::Ok, S::Error> {
        let names: Result<Vec<String>, String> = values.iter().map(enum_name).collect();
        names.map_err(S::Error::custom)?.serialize(s)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        Vec::<String>::deserialize(d)?.iter().map(|n| parse_enum(n).map_err(D::Error::custom)).collect()
    }
}

/// `#[serde(default, with = "wire::optional_enumeration")]`: an enum or null.
pub mod optional_enumeration {
    use super::*;

    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        value.as_ref().map(enum_name).transpose().map_err(S::Error::custom)?.serialize(s)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        Option::<String>::deserialize(d)?.map(|n| parse_enum(&n).map_err(D::Error::custom)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_domain::{Cefr, OfferKind, Role, StartupStage};

    #[test]
    fn enums_are_spelled_as_graphql_spells_them() {
        assert_eq!(enum_name(&OfferKind::PhdPosition).unwrap(), "PHD_POSITION");
        assert_eq!(enum_name(&StartupStage::SeriesA).unwrap(), "SERIES_A");
        assert_eq!(enum_name(&Cefr::Native).unwrap(), "NATIVE");
        assert_eq!(enum_name(&Role::Talent).unwrap(), "TALENT");
        assert_eq!(parse_enum::<Cefr>("B2").unwrap(), Cefr::B2);
        assert_eq!(parse_enum::<Cefr>("NATIVE").unwrap(), Cefr::Native);
        assert_eq!(parse_enum::<OfferKind>("PHD_POSITION").unwrap(), OfferKind::PhdPosition);
        assert!(parse_enum::<OfferKind>("PHD").is_err());
    }
}
