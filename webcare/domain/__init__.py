"""Pure domain: dataclasses, enums and rules. No I/O, no Qt, no HTTP."""
