//! Loading content files (YAML and Markdown) into the model.

pub mod annotations;
pub mod deadline;
