#!/usr/bin/env python3
"""template.py: copy this to start a python runbook. It shows every variable ClouDO sets.

Exit code: 0 = success; anything else = failure. stdout and stderr are captured together, in order.
"""
import os
import sys

ALWAYS = ["CLOUDO_EXEC_ID", "CLOUDO_MAPPING_ID", "CLOUDO_MAPPING_NAME", "CLOUDO_PARTITION",
          "CLOUDO_TRIGGER", "CLOUDO_REQUESTED_AT", "CLOUDO_RUNBOOKS_DIR"]
FROM_ALERTS = ["RESOURCE_ID", "RESOURCE_RG", "RESOURCE_NAME", "AKS_NAMESPACE", "AKS_POD",
               "AKS_DEPLOYMENT", "AKS_JOB", "AKS_HPA", "MONITOR_CONDITION"]


def main() -> int:
    for name in ALWAYS:
        print(f"{name}={os.environ.get(name, '')}")
    for name in FROM_ALERTS:
        value = os.environ.get(name)
        if value:
            print(f"{name}={value}")
    print(f"arguments: {sys.argv[1:]}")
    print("template.py: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
