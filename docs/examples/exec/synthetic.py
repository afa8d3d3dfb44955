#!/usr/bin/env python3
"""A dependency-free ActorEvolve `exec:` fitness: a synthetic objective over the seed's genes.

Run a search over it from the repository root:
    actorevolve search --fitness 'exec:python3 docs/examples/exec/synthetic.py'

ActorEvolve writes one JSON document to stdin: {"genes": {...}, "genome": "...", "seed": N, "run_id": "...",
"attempt": N, "final": null or {"epochs": N}, "args": {...}}. The program answers with JSON lines on stdout:
{"epoch": N, "accuracy": x} for progress and a last {"result": {"accuracy": x, ...}}. Anything else it prints goes
to the node's log. A non-zero exit fails the attempt (ActorEvolve retries it on another slot). A synthetic objective
has no test set, so it declines the winner's final test evaluation ({"unsupported": "final"}). In a rung
("rung": {"epochs": N, ...}) it trains N epochs, from scratch each time: it is cheap and deterministic, so it
needs no checkpoint, and it prints every epoch from 1.
"""
import json
import random
import sys

request = json.load(sys.stdin)
if request["final"]:
    print(json.dumps({"unsupported": "final"}))
    sys.exit(0)
genes = request["genes"]
args = request.get("args") or {}
epochs = request["rung"]["epochs"] if request.get("rung") else int(args.get("epochs", 3))
rng = random.Random(request["seed"])  # the same run seed gives the same answer: the search replays exactly

# A smooth landscape with one best network: 3 layers of 512 relu units trained with adam.
activation_bonus = {"relu": 0.06, "elu": 0.05, "tanh": 0.02, "sigmoid": 0.0}
optimizer_bonus = {"adam": 0.05, "nadam": 0.045, "adamax": 0.04, "rmsprop": 0.03, "adagrad": 0.01}
ceiling = (0.70 + activation_bonus.get(genes["activation"], 0.0) + optimizer_bonus.get(genes["optimizer"], 0.0)
           - 0.03 * abs(genes["nb_layers"] - 3) - 0.00008 * abs(genes["nb_neurons"] - 512))

print(f"synthetic objective for {request['genome']} (attempt {request['attempt']})")  # not JSON: the log
accuracy = 0.1
for epoch in range(1, epochs + 1):
    accuracy = ceiling - (ceiling - 0.1) * 0.5 ** epoch + rng.gauss(0, 0.002)
    print(json.dumps({"epoch": epoch, "accuracy": accuracy}), flush=True)
print(json.dumps({"result": {"accuracy": accuracy, "loss": 1 - accuracy, "epochs": epochs}}))
