//! Alignment: sentence-level alignment inside a pair (`sentence`). Cross-pair alignment
//! lives in sibling modules.

pub mod sentence;
