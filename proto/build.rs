//! Compiles the event schemas with protox (pure Rust), so no system `protoc` is needed.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schemas = ["schemas/crocevia/events/v1/events.proto", "schemas/crocevia/events/v1/matches.proto"];
    for schema in schemas {
        println!("cargo:rerun-if-changed={schema}");
    }
    let descriptors = protox::compile(schemas, ["schemas"])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
