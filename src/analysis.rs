//! Document-level analyses shared by several checks (length calibration, alignment),
//! computed at most once per document on first use.

/// One per document audit; fields are `OnceLock`s filled by whichever check needs them first.
#[derive(Default)]
pub struct Shared {}
