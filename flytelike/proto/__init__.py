"""Generated protobuf code for the workflow IR (see ``ir.proto``)."""
