"""Everything the runtime keeps on disk: XDG dirs, atomic private files, locks, credentials,
projects. No other package opens state files."""
