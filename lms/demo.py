"""Demo courses for `seed_demo` (registered through `home.hooks.DEMO_DATA`)."""
