//! Typed models of the YAML inputs.

pub mod agreement;
pub mod money;
pub mod party;
pub mod report;
pub mod time;

pub use agreement::Agreement;
pub use money::{Money, Percent};
pub use party::{Party, PartyType};
pub use time::{Date, FinancialYear};
pub mod scheme;
pub mod template;

pub use scheme::Scheme;
