"""The `tjp` command line: the I/O edge of the tool."""
