"""A gRPC consumer written with the official pact-python library and Pact's protobuf plugin.

It declares a call to the area calculator's `calculateOne` (the `.proto` file is the only
argument but one), calls the plugin's gRPC mock server with a real grpcio client (stubs
generated with grpcio-tools), and writes the pact with the mock server's `write_file` into the
directory given as the last argument (the pact's own `write_file` drops `"transport": "grpc"`).
The accord end-to-end tests then serve that pact with accord's mock server to a gRPC client (this
script's `call PROTO PORT`, the same grpcio client) and verify it with accord's verifier. Run it where nothing can be downloaded, with `PACT_PLUGIN_DIR`
pointing at the built plugin.
"""

import importlib
import json
import os
import shutil
import sys
import tempfile

import grpc
from grpc_tools import protoc
from pact import Pact


def stubs(proto: str):
    """The generated message and service modules of `proto`, as `area_calculator_pb2{,_grpc}`."""
    work = tempfile.mkdtemp()
    shutil.copy(proto, os.path.join(work, "area_calculator.proto"))
    status = protoc.main(["protoc", f"-I{work}", f"--python_out={work}", f"--grpc_python_out={work}", "area_calculator.proto"])
    assert status == 0, f"grpcio-tools could not compile {proto}"
    sys.path.insert(0, work)
    return importlib.import_module("area_calculator_pb2"), importlib.import_module("area_calculator_pb2_grpc")


def main(proto: str, out_dir: str) -> None:
    pb2, pb2_grpc = stubs(proto)
    pact = Pact("py-area-client", "area-calculator-provider").with_specification("V4").using_plugin("protobuf")
    contents = {
        "pact:proto": os.path.abspath(proto),
        "pact:proto-service": "Calculator/calculateOne",
        "pact:content-type": "application/protobuf",
        "request": {"rectangle": {"length": "matching(number, 3)", "width": "matching(number, 4)"}},
        "response": {"value": ["matching(number, 12)"]},
    }
    pact.upon_receiving("a rectangle's area from python", "Sync").with_plugin_contents(
        json.dumps(contents), "application/grpc"
    )
    with pact.serve(transport="grpc") as server:
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            stub = pb2_grpc.CalculatorStub(channel)
            reply = stub.calculateOne(pb2.ShapeMessage(rectangle=pb2.Rectangle(length=3, width=4)))
            assert list(reply.value) == [12.0], reply
        server.write_file(out_dir, overwrite=True)


def call(proto: str, port: str) -> None:
    """Calls calculateOne on 127.0.0.1:PORT as the consumer does, and prints the areas."""
    pb2, pb2_grpc = stubs(proto)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = pb2_grpc.CalculatorStub(channel).calculateOne(pb2.ShapeMessage(rectangle=pb2.Rectangle(length=3, width=4)))
    print(json.dumps(list(reply.value)))


if __name__ == "__main__":
    if sys.argv[1] == "call":
        call(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1], sys.argv[2])
