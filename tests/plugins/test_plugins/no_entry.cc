// A shared library that is not a plugin: it exports a function, but not qexp_plugin_entry.

extern "C" int qexp_test_not_a_plugin(void) { return 42; }
