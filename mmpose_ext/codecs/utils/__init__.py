# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
