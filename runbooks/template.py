#!/usr/bin/env python3
"""template.py: copy this to start a python runbook. It shows every variable ClouDO sets.

Exit code: 0 = success; anything else = failure. stdout and stderr are captured together, in order.
"""
import os
import sys

ALWAYS = ["CLOUDO_EXEC_ID", "CLOUDO_MAPPING_ID", "CLOUDO_MAPPING_NAME", "CLOUDO_PARTITION",
          "CLOUDO_TRIGGER", "CLOUDO_REQUESTED_AT", "CLOUDO_RUNBOOKS_DIR"]
FROM_ALERTS = ["RESOURCE_ID", "RESOURCE_RG", "RESOURCE_NAME", "RESOURCE_SUBSCRIPTION_ID", "RESOURCE_TYPE",
               "AKS_NAMESPACE", "AKS_POD", "AKS_DEPLOYMENT", "AKS_JOB", "AKS_HPA", "MONITOR_CONDITION",
               "SEVERITY", "ALERT_RULE", "ALERT_ID", "SIGNAL_TYPE", "FIRED_AT", "RESOLVED_AT", "CLOUDO_ALERT_FILE"]


def main() -> int:
    for name in ALWAYS:
        print(f"{name}={os.environ.get(name, '')}")
    for name in FROM_ALERTS:
        value = os.environ.get(name)
        if value:
            print(f"{name}={value}")
    for name in sorted(k for k in os.environ if k.startswith("ALERT_LABEL_")):
        print(f"{name}={os.environ[name]}")
    print(f"arguments: {sys.argv[1:]}")
    print("template.py: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
