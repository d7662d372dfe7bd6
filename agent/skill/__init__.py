"""The skill's identity: skill.md's frontmatter, the host we run in, the attribution headers."""
