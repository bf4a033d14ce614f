//! Parties: the persons and units that documents hold responsible.

use serde::{Deserialize, Serialize};

use super::enums::PartyType;
use super::error::{at, fail, RecordError};
use super::text::Text;

/// A person, a unit, or persons known only by their number.
///
/// - person: `{"party_type": "person", "name": "任**", "position": "时任乌鲁木齐市米东区城市管理局（城市管理行政执法局）党组成员、副局长"}`
/// - unit: `{"party_type": "unit", "name": "博乐市 XXXX 有限责任公司"}`
/// - group: `{"party_type": "group", "count": 8, "description": "责任人员"}` (“对8名责任人员…进行行政处罚”)
///
/// Names are kept as the documents give them, pseudonyms included (何某, 孙**).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Person, unit or group.
    pub party_type: PartyType,
    /// The name as written; required for a person or unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Position at the time (时任…), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Text>,
    /// The person's unit, when the position does not already name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// How many persons; required for a group, refused otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Who the group are, as written: 企业有关人员, 公职人员.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

impl Party {
    /// A named person with their position at the time.
    pub fn person(name: Text, position: Option<Text>) -> Party {
        Party {
            party_type: PartyType::Person,
            name: Some(name),
            position,
            unit: None,
            count: None,
            description: None,
        }
    }

    /// A named unit.
    pub fn unit(name: Text) -> Party {
        Party {
            party_type: PartyType::Unit,
            name: Some(name),
            position: None,
            unit: None,
            count: None,
            description: None,
        }
    }

    /// How many persons this party stands for (a unit counts as none).
    pub fn persons(&self) -> u32 {
        match self.party_type {
            PartyType::Person => 1,
            PartyType::Unit => 0,
            PartyType::Group => self.count.unwrap_or(0),
        }
    }

    /// The name, or for a group its count and description (“8名责任人员”).
    pub fn display_name(&self) -> String {
        match (&self.name, self.count) {
            (Some(n), _) => n.to_string(),
            (None, Some(c)) => format!("{c}名{}", self.description.as_deref().unwrap_or("人员")),
            (None, None) => String::new(),
        }
    }

    /// Checks the rules across fields.
    ///
    /// # Errors
    /// At `{path}.name` when a person or unit has no name, at `{path}.count`
    /// when a group has no count (or a count of 0) or a non-group has one, at
    /// `{path}.position` when a unit has a position.
    pub(crate) fn check(&self, path: &str) -> Result<(), RecordError> {
        match self.party_type {
            PartyType::Person | PartyType::Unit => {
                if self.name.is_none() {
                    return fail(
                        at(path, "name"),
                        format!("a {} needs a name", self.party_type.name()),
                    );
                }
                if self.count.is_some() {
                    return fail(at(path, "count"), "only a group has a count");
                }
                if self.party_type == PartyType::Unit && self.position.is_some() {
                    return fail(
                        at(path, "position"),
                        "a unit has no position; name the person instead",
                    );
                }
            }
            PartyType::Group => match self.count {
                None => {
                    return fail(
                        at(path, "count"),
                        "a group needs the number of persons it stands for",
                    )
                }
                Some(0) => {
                    return fail(
                        at(path, "count"),
                        "a group of 0 persons holds nobody responsible",
                    )
                }
                Some(_) => {}
            },
        }
        Ok(())
    }
}
