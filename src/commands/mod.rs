pub mod add;
pub mod completions;
pub mod doctor;
pub mod migrate;
pub mod new;
pub mod sync;
pub mod templates;
