"""The pipeline's quality against gold annotations: entities (`entities`) and events (`events`);
and the entity re-tagger learned from gold annotations (`retagger_training`, run by `make retagger`).

Each tags the gold texts the way `newsetl run` does (through `transforms`) and
scores the result with the one precision/recall/F1 of `metrics`; `newsetl eval`
and the benchmarks in bench/ print the figures. Nothing here touches the flow,
the warehouse or the expectations.
"""
