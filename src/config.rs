//! `site.yaml`: the site's configuration.

/// The site's configuration.
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {}
