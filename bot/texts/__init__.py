"""Everything the bot says, one module per feature, so copy is reviewed in one place."""
