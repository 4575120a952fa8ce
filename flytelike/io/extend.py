"""``flytelike.io.extend``: mirrors ``flyte.io.extend`` (dataframe encoders, decoders and the
handler registry, ``typesystem.io``'s)."""

from typesystem.io import DataFrameDecoder, DataFrameEncoder, DataFrameTransformerEngine

__all__ = ["DataFrameDecoder", "DataFrameEncoder", "DataFrameTransformerEngine"]
