"""Understanding the conversation: intents, language, GUI-speak, and the timeline draft."""
