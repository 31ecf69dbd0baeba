"""What the tagging pool's fork server imports before it forks the first worker (flows/runners.py).

Importing this module loads the tagging models in that process once; each
worker forked from it starts with them loaded, its memory pages shared with
the server's and the other workers' until written, instead of importing
Prefect and loading natasha on its own (about 4 CPU seconds and 300 MiB each).

The fork server dies with the process that started it (the flow's), and each
worker with the fork server (`prepare_worker`): multiprocessing keeps a fork
server alive as long as a worker it forked lives, so without the first a
killed flow would leave both behind.
"""

import os

from flows.lifetime import FORK_SERVER_PARENT, die_with_parent

# First, before the imports of seconds below: a flow killed meanwhile would leave this process behind.
die_with_parent(int(os.environ.get(FORK_SERVER_PARENT, 0)) or None)

from flows.runners import load_tagging_models  # noqa: E402

load_tagging_models()
