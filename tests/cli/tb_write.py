# SPDX-License-Identifier: MIT
"""Writes TensorBoard event files for the import tests with Google's
protobuf library (Debian's python3-protobuf), independently of lablog's
reader: the messages are declared from the published layout of
tensorflow/core/util/event.proto, framework/summary.proto, tensor.proto
and tensor_shape.proto (only the fields used here), and records are
framed as TFRecord with a bit-by-bit CRC-32C.

    python3 tb_write.py DIR [corrupt|truncate]
"""
import os
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool

try:
    from google.protobuf import message_factory
    def message_class(desc):
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(desc)
        return message_factory.MessageFactory().GetPrototype(desc)
except ImportError:  # pragma: no cover
    raise

F = descriptor_pb2.FieldDescriptorProto


def build():
    fd = descriptor_pb2.FileDescriptorProto(name="tb_test.proto",
                                            package="tensorflow",
                                            syntax="proto3")

    def message(name, fields, parent=None):
        m = (parent.nested_type if parent else fd.message_type).add(name=name)
        for fname, num, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=num, type=ftype, label=label)
            if type_name:
                f.type_name = type_name
        return m

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    shape = message("TensorShapeProto", [
        ("dim", 2, F.TYPE_MESSAGE, rep, ".tensorflow.TensorShapeProto.Dim")])
    message("Dim", [("size", 1, F.TYPE_INT64, opt, None)], parent=shape)
    tensor = message("TensorProto", [
        ("dtype", 1, F.TYPE_INT32, opt, None),   # enum DataType on the wire
        ("tensor_shape", 2, F.TYPE_MESSAGE, opt, ".tensorflow.TensorShapeProto"),
        ("tensor_content", 4, F.TYPE_BYTES, opt, None),
        ("float_val", 5, F.TYPE_FLOAT, rep, None),
        ("double_val", 6, F.TYPE_DOUBLE, rep, None),
        ("int_val", 7, F.TYPE_INT32, rep, None),
        ("int64_val", 10, F.TYPE_INT64, rep, None)])
    meta = message("SummaryMetadata", [
        ("plugin_data", 1, F.TYPE_MESSAGE, opt,
         ".tensorflow.SummaryMetadata.PluginData"),
        ("display_name", 2, F.TYPE_STRING, opt, None),
        ("data_class", 4, F.TYPE_INT32, opt, None)])
    message("PluginData", [("plugin_name", 1, F.TYPE_STRING, opt, None),
                           ("content", 2, F.TYPE_BYTES, opt, None)],
            parent=meta)
    summary = message("Summary", [
        ("value", 1, F.TYPE_MESSAGE, rep, ".tensorflow.Summary.Value")])
    message("Image", [("height", 1, F.TYPE_INT32, opt, None),
                      ("width", 2, F.TYPE_INT32, opt, None),
                      ("encoded_image_string", 4, F.TYPE_BYTES, opt, None)],
            parent=summary)
    value = message("Value", [
        ("tag", 1, F.TYPE_STRING, opt, None),
        ("node_name", 7, F.TYPE_STRING, opt, None),
        ("simple_value", 2, F.TYPE_FLOAT, opt, None),
        ("image", 4, F.TYPE_MESSAGE, opt, ".tensorflow.Summary.Image"),
        ("tensor", 8, F.TYPE_MESSAGE, opt, ".tensorflow.TensorProto"),
        ("metadata", 9, F.TYPE_MESSAGE, opt, ".tensorflow.SummaryMetadata")],
        parent=summary)
    # As in summary.proto: the value fields are one oneof, so a
    # simple_value of 0.0 is still written.
    value.oneof_decl.add(name="value")
    for f in value.field:
        if f.number in (2, 4, 8):
            f.oneof_index = 0
    message("Event", [
        ("wall_time", 1, F.TYPE_DOUBLE, opt, None),
        ("step", 2, F.TYPE_INT64, opt, None),
        ("file_version", 3, F.TYPE_STRING, opt, None),
        ("graph_def", 4, F.TYPE_BYTES, opt, None),
        ("summary", 5, F.TYPE_MESSAGE, opt, ".tensorflow.Summary")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return {n: message_class(pool.FindMessageTypeByName("tensorflow." + n))
            for n in ("Event", "Summary", "TensorProto", "SummaryMetadata")}


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(payload):
    head = struct.pack("<Q", len(payload))
    return (head + struct.pack("<I", masked(head)) + payload +
            struct.pack("<I", masked(payload)))


def main():
    assert crc32c(b"123456789") == 0xE3069283
    out, mode = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    M = build()
    Event = M["Event"]
    t0 = 1763625600.0  # 2025-11-20T08:00:00Z

    def write(path, events):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = b"".join(record(e.SerializeToString()) for e in events)
        if mode == "corrupt" and "train" in path:
            data = data[:40] + bytes([data[40] ^ 0xFF]) + data[41:]
        if mode == "truncate" and "train" in path:
            data = data[:-7]
        with open(path, "wb") as f:
            f.write(data)

    # Run 1: PyTorch / tensorboardX style, simple_value, two files.
    events = [Event(wall_time=t0, file_version="brain.Event:2")]
    for step in range(5):
        e = Event(wall_time=t0 + step, step=step)
        v = e.summary.value.add(tag="loss")
        v.simple_value = 2.0 / (step + 1)
        v = e.summary.value.add(tag="acc")
        v.simple_value = 0.1 * step
        events.append(e)
    write(os.path.join(out, "lr-3e-4", "train",
                       "events.out.tfevents.1763625600.host.1.0"), events)
    events = [Event(wall_time=t0 + 100, file_version="brain.Event:2")]
    e = Event(wall_time=t0 + 105, step=5)
    e.summary.value.add(tag="loss").simple_value = 0.25
    events.append(e)
    write(os.path.join(out, "lr-3e-4", "train",
                       "events.out.tfevents.1763625700.host.2.0"), events)

    # Run 2: TF2 style, scalar tensors; metadata only with the first value.
    events = [Event(wall_time=t0, file_version="brain.Event:2")]
    for step in range(3):
        e = Event(wall_time=t0 + 10 * step, step=step * 10)
        v = e.summary.value.add(tag="eval/loss")
        v.tensor.dtype = 1  # DT_FLOAT
        v.tensor.float_val.append(1.5 - step * 0.5)
        if step == 0:
            v.metadata.plugin_data.plugin_name = "scalars"
        v = e.summary.value.add(tag="eval/acc")
        v.tensor.dtype = 2  # DT_DOUBLE, as packed bytes
        v.tensor.tensor_content = struct.pack("<d", 0.5 + step * 0.125)
        if step == 0:
            v.metadata.data_class = 1  # DATA_CLASS_SCALAR
        # A histogram-like tensor (several values, no scalar metadata).
        v = e.summary.value.add(tag="weights")
        v.tensor.dtype = 1
        v.tensor.float_val.extend([1.0, 2.0, 3.0])
        v.metadata.plugin_data.plugin_name = "histograms"
        # An image.
        v = e.summary.value.add(tag="samples")
        v.image.height = 1
        v.image.width = 1
        v.image.encoded_image_string = b"\x89PNG"
        events.append(e)
    write(os.path.join(out, "lr-3e-4", "eval",
                       "events.out.tfevents.1763625600.host.3.0"), events)


main()
