/// `starling init`: create an empty warehouse.

import ArgumentParser
import StarlingStorage

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty warehouse directory.",
        discussion: """
            The directory must not exist or must be empty. The new warehouse is at snapshot 1.

            Example:
              starling init --warehouse ./warehouse
            """
    )

    @OptionGroup var options: WarehouseOptions

    func run() throws {
        do {
            let warehouse = try Warehouse.create(at: options.directory)
            StandardError.write("created warehouse \(warehouse.directory) (snapshot 1)\n")
        } catch {
            throw fail(error.message, status: error.kind == .io ? .ioError : .failure)
        }
    }
}
