# Crocevia: `make run` starts the whole platform on this machine, `make test` runs every test.
SHELL := /bin/bash
CARGO ?= cargo
HOST ?= 127.0.0.1
PORT ?= 8080
export CROCEVIA_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432
export CROCEVIA_TEST_KAFKA ?= 127.0.0.1:9092

.DEFAULT_GOAL := help
.PHONY: help run build web bench faults generate test check-codegen test-tools test-rust test-web wasm-check lint fmt broker broker-up broker-down import clean-data up down stack-status

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

build: ## Build the crocevia binary (release)
	$(CARGO) build --release -p crocevia

web: ## Build the web app into target/web (release wasm, wasm-bindgen, wasm-opt; installs both once)
	deploy/scripts/build-web.sh target/web

run: build web ## Start the whole platform in one process (SQLite, in-process bus) with the Torino demo data
	./target/release/crocevia serve all --host $(HOST) --port $(PORT) --demo-data data/demo

bench: build ## Benchmarks against real alternatives; figures to bench/RESULTS.md (needs PostgreSQL)
	$(CARGO) build --release -p crocevia-bench
	./target/release/crocevia-bench --talents $(or $(TALENTS),100000)

faults: build broker-up ## The fault test at full size: kill -9 of each process and the broker during 10^5 changes (release build)
	CROCEVIA_TEST_BIN=$(CURDIR)/target/release/crocevia CROCEVIA_FAULT_CHANGES=$(or $(CHANGES),100000) \
		$(CARGO) test -p crocevia --test faults -- --ignored --nocapture

generate: build ## Synthetic data set: make generate TALENTS=100000 (into data/generated)
	./target/release/crocevia generate --talents $(or $(TALENTS),100000) --out data/generated

import: build ## Import a data folder: make import DIR=path
	./target/release/crocevia import $(DIR)

test: broker-up test-tools wasm-check web test-web test-rust check-codegen ## Run every test (starts the broker; needs PostgreSQL on 127.0.0.1:5432, Chromium)

check-codegen: ## graphql-codegen (npm) generates TypeScript types from a running server's /graphql
	deploy/scripts/check-codegen.sh

test-tools: ## Python tools the tests call (OpenAPI validator; aiosmtpd; pySHACL, frictionless, ckanapi; the event contract's validator and example), once per machine
	@python3 -c "import openapi_spec_validator" 2>/dev/null || python3 -m pip install -q openapi-spec-validator==0.9.0
	@python3 -c "import pyshacl, frictionless, ckanapi" 2>/dev/null || python3 -m pip install -q pyshacl==0.40.1 frictionless==5.21.0 ckanapi==4.11
	@python3 -c "import yaml, jsonschema, grpc_tools, confluent_kafka" 2>/dev/null || python3 -m pip install -q PyYAML==6.0.3 jsonschema==4.26.0 grpcio-tools==1.85.4 confluent-kafka==2.16.2
	@python3 -c "import aiosmtpd" 2>/dev/null || /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install -q aiosmtpd==1.4.6 \
		|| { echo "the tests' SMTP server needs aiosmtpd: apt-get install python3-aiosmtpd" >&2; exit 1; }

CHROMEDRIVER ?= /usr/bin/chromedriver

test-web: ## Web components in headless Chromium (wasm-bindgen-test)
	CHROMEDRIVER=$(CHROMEDRIVER) $(CARGO) test -p crocevia-frontend --target wasm32-unknown-unknown

test-rust:
	CROCEVIA_TEST_WEB_DIR=$(CURDIR)/target/web CROCEVIA_TEST_CHROMEDRIVER=$(CHROMEDRIVER) \
		$(CARGO) test --workspace --all-features --no-fail-fast

wasm-check: ## Prove the domain crate builds for the browser
	rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
	$(CARGO) check -p crocevia-domain --target wasm32-unknown-unknown

lint: ## fmt check and clippy with -D warnings
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

broker: ## Build the Kafka-protocol broker once per machine (tansu, ~15 min)
	deploy/scripts/install-tansu.sh

broker-up: broker ## Start the broker on 127.0.0.1:9092
	deploy/scripts/broker.sh start

broker-down: ## Stop the broker
	deploy/scripts/broker.sh stop

clean-data: ## Forget the embedded platform's data (database, bus log)
	rm -rf data/run

up: build broker ## Start the distributed stack as processes: broker, PostgreSQL db, profiles, search, matching, gateway (:8080)
	deploy/scripts/stack.sh up

down: ## Stop the distributed stack (data kept; deploy/scripts/stack.sh down --purge forgets it)
	deploy/scripts/stack.sh down

stack-status: ## What of the distributed stack runs, and whether it is ready
	deploy/scripts/stack.sh status
