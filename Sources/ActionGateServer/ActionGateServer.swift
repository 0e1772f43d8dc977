import ActionGateCore
import NIOCore
import NIOPosix
import NIOHTTP1
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
