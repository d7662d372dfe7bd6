"""The sandbox: a local NemoVideo backend (docs/sandbox.md). An optional extra; the client
never imports it and it never imports the client: they meet only on the wire."""
