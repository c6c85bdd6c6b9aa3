import ArgumentParser

@main
struct IblaghCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iblagh", abstract: "x")
}
