"""Generated protobuf code for the literal model (see ``literals.proto``)."""
